import { eq, sql } from "drizzle-orm";
import type { Vault } from "../crypto/vault.js";
import type { Db } from "../db/open.js";
import { intakeDrafts } from "../db/schema.js";
import type { IntakeDraft } from "./questions.js";

const DAY = 24 * 60 * 60 * 1000;
const place = (contactId: string) => `intake_drafts:${contactId}:draft`;

/** The draft as sealed: with the time it was saved. */
type Sealed = IntakeDraft & { savedAt?: number };

/** Unfinished intakes, one per person, sealed; they expire after the configured days. */
export class IntakeDrafts {
  // Prepared once: the intake loads and saves the draft at every step.
  readonly #load;
  readonly #save;
  readonly #delete;

  constructor(
    db: Db,
    private readonly vault: Vault,
    private readonly options: { days: number; now?: () => number },
  ) {
    const p = sql.placeholder;
    this.#load = db.select().from(intakeDrafts).where(eq(intakeDrafts.contactId, p("contactId"))).prepare();
    this.#save = db.insert(intakeDrafts).values({ contactId: p("contactId"), draft: p("draft"), expiresAt: p("expiresAt") })
      .onConflictDoUpdate({ target: intakeDrafts.contactId, set: { draft: sql`excluded.draft`, expiresAt: sql`excluded.expires_at` } })
      .prepare();
    this.#delete = db.delete(intakeDrafts).where(eq(intakeDrafts.contactId, p("contactId"))).prepare();
  }

  /** `savedAt`: when it was last saved (the intake asks its next question then); absent on drafts saved before it was kept. */
  load(contactId: string): { draft: IntakeDraft; expiresAt: number; savedAt?: number } | undefined {
    const row = this.#load.get({ contactId });
    if (!row || row.expiresAt < (this.options.now ?? Date.now)()) return undefined;
    const { savedAt, ...draft } = this.vault.open<Sealed>(contactId, row.draft, place(contactId));
    return { draft, expiresAt: row.expiresAt, ...(savedAt === undefined ? {} : { savedAt }) };
  }

  save(contactId: string, draft: IntakeDraft): void {
    const now = (this.options.now ?? Date.now)();
    const sealed: Sealed = { ...draft, savedAt: now };
    const row = {
      contactId,
      draft: this.vault.seal(contactId, sealed, place(contactId)),
      expiresAt: now + this.options.days * DAY,
    };
    this.#save.run(row);
  }

  delete(contactId: string): void {
    this.#delete.run({ contactId });
  }
}
