import { BoundedMap } from "../cache/bounded-map.js";
import { open, seal, type Keyring } from "./keyring.js";

/**
 * Seals and opens a person's values with their own data key. `place` names
 * the row and column (e.g. `cases:<id>:summary`) and is bound in as
 * associated data, so a value copied to another row or column does not open.
 */
export class Vault {
  /**
   * Unwrapped keys of people active right now. The root key that unwraps them
   * is in memory anyway; erasure evicts the person's key at once.
   */
  readonly #keys = new BoundedMap<string, Buffer>(4096, (key) => key.fill(0));

  /** `wrappedKeyOf` reads an owner's wrapped data key (from `contacts` or `staff`). */
  constructor(private readonly keyring: Keyring, private readonly wrappedKeyOf: (owner: string) => Buffer | undefined) {}

  #withKey<T>(owner: string, use: (key: Buffer) => T): T {
    let key = this.#keys.get(owner);
    if (!key) {
      const wrapped = this.wrappedKeyOf(owner);
      if (!wrapped) throw new Error("no such key owner");
      const unwrapped = this.keyring.unwrapDataKey(wrapped, owner);
      // Its own 32 bytes: a slice of Node's shared buffer pool would keep a whole 8 KB slab alive.
      key = Buffer.alloc(unwrapped.length);
      unwrapped.copy(key);
      unwrapped.fill(0);
      this.#keys.set(owner, key);
    }
    return use(key);
  }

  /** Drops an owner's cached key, e.g. when they are erased. */
  evict(owner: string): void {
    this.#keys.get(owner)?.fill(0);
    this.#keys.delete(owner);
  }

  seal(contactId: string, value: unknown, place: string): Buffer {
    return this.sealText(contactId, JSON.stringify(value), place);
  }

  open<T>(contactId: string, sealed: Uint8Array, place: string): T {
    return JSON.parse(this.openText(contactId, sealed, place)) as T;
  }

  /** Seals text that already is JSON (made once by a caller that needs it too). */
  sealText(contactId: string, json: string, place: string): Buffer {
    return this.#withKey(contactId, (key) => seal(key, Buffer.from(json, "utf8"), place));
  }

  /** The JSON text as sealed, unparsed. */
  openText(contactId: string, sealed: Uint8Array, place: string): string {
    return this.#withKey(contactId, (key) => open(key, sealed, place).toString("utf8"));
  }

  /**
   * Opens with the owner's wrapped key as just read, keeping the unwrapped key
   * only if it was cached already: a pass over thousands of people (a
   * broadcast) must not push out the keys of those writing right now.
   */
  openPassing<T>(owner: string, wrapped: Uint8Array, sealed: Uint8Array, place: string): T {
    const cached = this.#keys.get(owner);
    const key = cached ?? this.keyring.unwrapDataKey(wrapped, owner);
    try {
      return JSON.parse(open(key, sealed, place).toString("utf8")) as T;
    } finally {
      if (!cached) key.fill(0);
    }
  }

  /** Seals with a fresh key for a contact row that is about to be written. */
  static sealWith(key: Uint8Array, value: unknown, place: string): Buffer {
    return seal(key, Buffer.from(JSON.stringify(value), "utf8"), place);
  }
}

/** The vault of a table whose rows carry their own `wrapped_key` (contacts, staff). */
export function tableVault(sqlite: { prepare(sql: string): { get(id: string): unknown } }, keyring: Keyring, table: "contacts" | "staff"): Vault {
  // Prepared once: this runs on every sealed read or write.
  const statement = sqlite.prepare(`SELECT wrapped_key FROM ${table} WHERE id = ?`);
  return new Vault(keyring, (owner) => (statement.get(owner) as { wrapped_key: Buffer } | undefined)?.wrapped_key);
}
