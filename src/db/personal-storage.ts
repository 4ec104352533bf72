import { eq } from "drizzle-orm";
import type { Keyring } from "../crypto/keyring.js";
import type { Vault } from "../crypto/vault.js";
import type { Db } from "./open.js";
import { sessions } from "./schema.js";

/** grammY's storage adapter shape, which the conversations plugin shares. */
export interface KeyValueStorage<T> {
  read(key: string): T | undefined | Promise<T | undefined>;
  write(key: string, value: T): void | Promise<void>;
  delete(key: string): void | Promise<void>;
}

export interface PersonalStorageOptions {
  /** The stored contact a storage key belongs to, if the person consented. */
  contactOf(key: string): string | undefined;
  /** Until the person consents, state lives here and nowhere else. */
  memory: KeyValueStorage<unknown>;
  /** How long a stored value lives without being written again. */
  ttlMs: number;
  now?: () => number;
}

/**
 * Session and conversation state for grammY. For people who consented it is
 * written to SQLite, sealed with their data key under a blind-indexed key, so
 * it survives restarts and dies with their key. For everyone else it stays in
 * memory: nothing reaches the disk before consent.
 */
export class PersonalStorage<T> implements KeyValueStorage<T> {
  readonly #now: () => number;

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly vault: Vault,
    private readonly options: PersonalStorageOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  #lookup(key: string): Buffer {
    return this.keyring.blindIndex(`state:${key}`);
  }

  #place(lookup: Buffer): string {
    return `sessions:${lookup.toString("hex")}:value`;
  }

  async read(key: string): Promise<T | undefined> {
    const inMemory = await this.options.memory.read(key);
    if (inMemory !== undefined) return inMemory as T;
    const lookup = this.#lookup(key);
    const row = this.db.select().from(sessions).where(eq(sessions.lookup, lookup)).get();
    if (!row || row.expiresAt < this.#now()) return undefined;
    return this.vault.open<T>(row.contactId, row.value, this.#place(lookup));
  }

  async write(key: string, value: T): Promise<void> {
    const contactId = this.options.contactOf(key);
    if (!contactId) return await this.options.memory.write(key, value);
    const lookup = this.#lookup(key);
    const row = {
      lookup,
      contactId,
      value: this.vault.seal(contactId, value, this.#place(lookup)),
      expiresAt: this.#now() + this.options.ttlMs,
    };
    this.db.insert(sessions).values(row).onConflictDoUpdate({ target: sessions.lookup, set: row }).run();
    await this.options.memory.delete(key);
  }

  async delete(key: string): Promise<void> {
    await this.options.memory.delete(key);
    this.db.delete(sessions).where(eq(sessions.lookup, this.#lookup(key))).run();
  }
}
