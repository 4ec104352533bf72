import { eq } from "drizzle-orm";
import type { Vault } from "../crypto/vault.js";
import type { Db } from "../db/open.js";
import { intakeDrafts } from "../db/schema.js";
import type { IntakeDraft } from "./questions.js";

const DAY = 24 * 60 * 60 * 1000;
const place = (contactId: string) => `intake_drafts:${contactId}:draft`;

/** Unfinished intakes, one per person, sealed; they expire after the configured days. */
export class IntakeDrafts {
  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly options: { days: number; now?: () => number },
  ) {}

  load(contactId: string): { draft: IntakeDraft; expiresAt: number } | undefined {
    const row = this.db.select().from(intakeDrafts).where(eq(intakeDrafts.contactId, contactId)).get();
    if (!row || row.expiresAt < (this.options.now ?? Date.now)()) return undefined;
    return { draft: this.vault.open<IntakeDraft>(contactId, row.draft, place(contactId)), expiresAt: row.expiresAt };
  }

  save(contactId: string, draft: IntakeDraft): void {
    const row = {
      contactId,
      draft: this.vault.seal(contactId, draft, place(contactId)),
      expiresAt: (this.options.now ?? Date.now)() + this.options.days * DAY,
    };
    this.db.insert(intakeDrafts).values(row).onConflictDoUpdate({ target: intakeDrafts.contactId, set: row }).run();
  }

  delete(contactId: string): void {
    this.db.delete(intakeDrafts).where(eq(intakeDrafts.contactId, contactId)).run();
  }
}
