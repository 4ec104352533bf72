import { eq } from "drizzle-orm";
import type { Vault } from "../crypto/vault.js";
import type { Db } from "../db/open.js";
import { subscriptions } from "../db/schema.js";
import { isPlace } from "./regions.js";

const place = (contactId: string) => `subscriptions:${contactId}:places`;

/** Travel-warning subscriptions: personal data, sealed like the rest; admins only ever see counts. */
export class Subscriptions {
  constructor(private readonly db: Db, private readonly vault: Vault, private readonly now: () => number = Date.now) {}

  get(contactId: string): string[] | undefined {
    const row = this.db.select().from(subscriptions).where(eq(subscriptions.contactId, contactId)).get();
    return row && this.vault.open<string[]>(contactId, row.places, place(contactId));
  }

  set(contactId: string, places: string[]): void {
    const clean = [...new Set(places.filter(isPlace))];
    if (clean.length === 0) {
      this.remove(contactId);
      return;
    }
    const row = { contactId, places: this.vault.seal(contactId, clean, place(contactId)), updatedAt: this.now() };
    this.db.insert(subscriptions).values(row).onConflictDoUpdate({ target: subscriptions.contactId, set: row }).run();
  }

  remove(contactId: string): boolean {
    return this.db.delete(subscriptions).where(eq(subscriptions.contactId, contactId)).run().changes === 1;
  }

  /** Every subscription, decrypted; for targeting and counting only. */
  *all(): Generator<{ contactId: string; places: string[] }> {
    for (const row of this.db.select().from(subscriptions).all()) {
      yield { contactId: row.contactId, places: this.vault.open<string[]>(row.contactId, row.places, place(row.contactId)) };
    }
  }

  /** How many subscribers chose each place. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { places } of this.all()) for (const p of places) counts[p] = (counts[p] ?? 0) + 1;
    return counts;
  }
}
