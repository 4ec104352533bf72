import { lt, sql } from "drizzle-orm";
import type { Db } from "../db/open.js";
import { telegramUpdates } from "../db/schema.js";

const DAY = 24 * 60 * 60 * 1000;

/**
 * Telegram update ids already taken up. Telegram sends an update again when a
 * webhook call got no answer, or when the bot died before confirming a fetched
 * batch; the second copy is dropped, so nothing is applied twice. An update
 * whose handling a crash cut short is therefore not retried: at most once.
 */
export class SeenUpdates {
  readonly #insert;
  #fresh = 0;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    this.#insert = db.insert(telegramUpdates)
      .values({ updateId: sql.placeholder("updateId"), seenAt: sql.placeholder("seenAt") })
      .onConflictDoNothing()
      .prepare();
    this.#prune();
  }

  /** Records the update; false when it was taken up before. */
  first(updateId: number): boolean {
    const fresh = this.#insert.run({ updateId, seenAt: this.now() }).changes === 1;
    if (fresh && ++this.#fresh % 1000 === 0) this.#prune();
    return fresh;
  }

  /** Telegram keeps updates for a day at most. */
  #prune(): void {
    this.db.delete(telegramUpdates).where(lt(telegramUpdates.seenAt, this.now() - DAY)).run();
  }
}
