import { eq } from "drizzle-orm";
import type { Db } from "../db/open.js";
import { contacts } from "../db/schema.js";
import { open, seal, type Keyring } from "./keyring.js";

/**
 * Seals and opens a person's values with their own data key. `place` names
 * the row and column (e.g. `cases:<id>:summary`) and is bound in as
 * associated data, so a value copied to another row or column does not open.
 */
export class Vault {
  constructor(private readonly db: Db, private readonly keyring: Keyring) {}

  #withKey<T>(contactId: string, use: (key: Buffer) => T): T {
    const row = this.db.select({ wrappedKey: contacts.wrappedKey }).from(contacts).where(eq(contacts.id, contactId)).get();
    if (!row) throw new Error("no such contact");
    const key = this.keyring.unwrapDataKey(row.wrappedKey, contactId);
    try {
      return use(key);
    } finally {
      key.fill(0);
    }
  }

  seal(contactId: string, value: unknown, place: string): Buffer {
    return this.#withKey(contactId, (key) => seal(key, Buffer.from(JSON.stringify(value), "utf8"), place));
  }

  open<T>(contactId: string, sealed: Uint8Array, place: string): T {
    return this.#withKey(contactId, (key) => JSON.parse(open(key, sealed, place).toString("utf8")) as T);
  }

  /** Seals with a fresh key for a contact row that is about to be written. */
  static sealWith(key: Uint8Array, value: unknown, place: string): Buffer {
    return seal(key, Buffer.from(JSON.stringify(value), "utf8"), place);
  }
}
