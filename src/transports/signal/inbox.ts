import { createHmac } from "node:crypto";
import { asc, eq, isNull, lt } from "drizzle-orm";
import { open, seal, type Keyring } from "../../crypto/keyring.js";
import type { Db } from "../../db/open.js";
import { signalInbox } from "../../db/schema.js";

const DAY = 24 * 60 * 60 * 1000;

/**
 * Received envelopes, written before they are handled. `accept` refuses a
 * repeat of (sender, timestamp) even after a restart; `pending` returns what
 * a crash left waiting, not yet taken up. Content is sealed, and dropped by
 * `done` as handling starts.
 */
export class SignalInbox {
  readonly #key: Buffer;
  #accepted = 0;

  constructor(private readonly db: Db, keyring: Keyring, private readonly now: () => number = Date.now) {
    this.#key = keyring.derive("signal-inbox");
  }

  #id(uuid: string, timestamp: number): Buffer {
    return createHmac("sha256", this.#key).update(`${uuid}:${timestamp}`).digest();
  }

  #place(id: Buffer): string {
    return `signal_inbox:${id.toString("hex")}`;
  }

  /** Stores a new envelope; undefined when it was seen before. */
  accept(uuid: string, timestamp: number, raw: unknown): Buffer | undefined {
    const id = this.#id(uuid, timestamp);
    const inserted = this.db.insert(signalInbox).values({
      key: id,
      envelope: seal(this.#key, Buffer.from(JSON.stringify(raw)), this.#place(id)),
      receivedAt: this.now(),
    }).onConflictDoNothing().run();
    if (inserted.changes === 0) return undefined;
    if (++this.#accepted % 1000 === 0) this.purge();
    return id;
  }

  /** Marks an envelope taken up: it is not handled again, even after a crash. */
  done(id: Buffer): void {
    this.db.update(signalInbox).set({ envelope: null, handledAt: this.now() }).where(eq(signalInbox.key, id)).run();
  }

  /** Envelopes stored but not taken up, oldest first. */
  pending(): { id: Buffer; raw: unknown }[] {
    return this.db.select().from(signalInbox).where(isNull(signalInbox.handledAt)).orderBy(asc(signalInbox.receivedAt)).all()
      .flatMap((row) => (row.envelope ? [{ id: row.key, raw: JSON.parse(open(this.#key, row.envelope, this.#place(row.key)).toString("utf8")) as unknown }] : []));
  }

  /** Forgets handled keys after `days` (at start and every 1000 envelopes); Signal does not redeliver that late. */
  purge(days = 7): number {
    return this.db.delete(signalInbox).where(lt(signalInbox.handledAt, this.now() - days * DAY)).run().changes;
  }
}
