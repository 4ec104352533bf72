import { lt, sql } from "drizzle-orm";
import type { Db } from "../db/open.js";
import { telegramUpdates } from "../db/schema.js";

const DAY = 24 * 60 * 60 * 1000;

/**
 * Telegram update ids already taken up. Telegram sends an update again when a
 * webhook call got no answer, or when the bot died before confirming a fetched
 * batch; the second copy is dropped, so nothing is applied twice. An update
 * whose handling a crash cut short is therefore not retried: at most once.
 *
 * The ids that arrive together (a fetched batch, concurrent webhook calls) are
 * written in one transaction, on the next turn of the event loop, and each
 * update waits for that commit before it is handled: nothing an update does
 * can happen before its id is on disk, at one commit per batch rather than one
 * per update.
 */
export class SeenUpdates {
  readonly #insert;
  readonly #prune;
  /** Ids waiting for the next commit, with who waits on each (a copy in the same batch is not fresh). */
  #pending = new Map<number, ((fresh: boolean) => void)[]>();
  #failed: ((error: unknown) => void)[] = [];
  #fresh = 0;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    this.#insert = db.insert(telegramUpdates)
      .values({ updateId: sql.placeholder("updateId"), seenAt: sql.placeholder("seenAt") })
      .onConflictDoNothing()
      .prepare();
    this.#prune = db.delete(telegramUpdates).where(lt(telegramUpdates.seenAt, sql.placeholder("before"))).prepare();
    this.#prune.run({ before: this.now() - DAY });
  }

  /** Records the update; resolves false when it was taken up before, once the record is committed. */
  first(updateId: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) setImmediate(() => this.#commit());
      const waiting = this.#pending.get(updateId);
      if (waiting) waiting.push(() => resolve(false));
      else this.#pending.set(updateId, [resolve]);
      this.#failed.push(reject);
    });
  }

  #commit(): void {
    const batch = this.#pending;
    const failed = this.#failed;
    this.#pending = new Map();
    this.#failed = [];
    let fresh: boolean[];
    try {
      const seenAt = this.now();
      fresh = this.db.transaction(() => [...batch.keys()].map((updateId) => this.#insert.run({ updateId, seenAt }).changes === 1));
    } catch (error) {
      for (const reject of failed) reject(error);
      return;
    }
    let i = 0;
    for (const [first, ...copies] of batch.values()) {
      first!(fresh[i]!);
      for (const copy of copies) copy(false);
      // Telegram keeps updates for a day at most.
      if (fresh[i++] && ++this.#fresh % 1000 === 0) this.#prune.run({ before: this.now() - DAY });
    }
  }
}
