import { open, seal, type Keyring } from "./keyring.js";

/**
 * Seals and opens a person's values with their own data key. `place` names
 * the row and column (e.g. `cases:<id>:summary`) and is bound in as
 * associated data, so a value copied to another row or column does not open.
 */
export class Vault {
  /** `wrappedKeyOf` reads an owner's wrapped data key (from `contacts` or `staff`). */
  constructor(private readonly keyring: Keyring, private readonly wrappedKeyOf: (owner: string) => Buffer | undefined) {}

  #withKey<T>(owner: string, use: (key: Buffer) => T): T {
    const wrapped = this.wrappedKeyOf(owner);
    if (!wrapped) throw new Error("no such key owner");
    const key = this.keyring.unwrapDataKey(wrapped, owner);
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

/** The vault of a table whose rows carry their own `wrapped_key` (contacts, staff). */
export function tableVault(sqlite: { prepare(sql: string): { get(id: string): unknown } }, keyring: Keyring, table: "contacts" | "staff"): Vault {
  const statement = sqlite.prepare(`SELECT wrapped_key FROM ${table} WHERE id = ?`);
  return new Vault(keyring, (owner) => (statement.get(owner) as { wrapped_key: Buffer } | undefined)?.wrapped_key);
}
