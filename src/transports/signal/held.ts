import { asc, eq, sql } from "drizzle-orm";
import { open, seal, type Keyring } from "../../crypto/keyring.js";
import type { Db } from "../../db/open.js";
import { signalHeld } from "../../db/schema.js";
import type { Attachment } from "./client.js";

/** A reply to send once sending may go on: who to, what, and which bot message it is. */
export interface HeldReply {
  uuid: string;
  chatId: number;
  messageId?: number;
  text: string;
  file?: Attachment;
  /** The timestamp of the message this one edits. */
  editOf?: number;
}

export const heldPlace = (id: number) => `signal_held:${id}`;

/**
 * Replies held while sending to Signal is paused, in a table, so that a
 * restart during the pause loses none. Sealed; deleted once sent.
 */
export class SignalHeld {
  readonly #key: Buffer;

  constructor(private readonly db: Db, keyring: Keyring, private readonly now: () => number = Date.now) {
    this.#key = keyring.derive("signal-held");
  }

  hold(reply: HeldReply): void {
    this.db.transaction((tx) => {
      const { id } = tx.insert(signalHeld).values({ payload: Buffer.alloc(0), heldAt: this.now() }).returning({ id: signalHeld.id }).get();
      const file = reply.file && { ...reply.file, bytes: Buffer.from(reply.file.bytes).toString("base64") };
      tx.update(signalHeld).set({ payload: seal(this.#key, Buffer.from(JSON.stringify({ ...reply, file })), heldPlace(id)) }).where(eq(signalHeld.id, id)).run();
    });
  }

  /** The oldest held reply. */
  first(): { id: number; heldAt: number; reply: HeldReply } | undefined {
    const row = this.db.select().from(signalHeld).orderBy(asc(signalHeld.id)).limit(1).get();
    if (!row) return undefined;
    const stored = JSON.parse(open(this.#key, row.payload, heldPlace(row.id)).toString("utf8")) as Omit<HeldReply, "file"> & { file?: Attachment & { bytes: string } };
    const file = stored.file && { ...stored.file, bytes: new Uint8Array(Buffer.from(stored.file.bytes, "base64")) };
    return { id: row.id, heldAt: row.heldAt, reply: { ...stored, ...(file ? { file } : {}) } };
  }

  drop(id: number): void {
    this.db.delete(signalHeld).where(eq(signalHeld.id, id)).run();
  }

  count(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(signalHeld).get()?.n ?? 0;
  }
}
