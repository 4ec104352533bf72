import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Keyring } from "../crypto/keyring.js";
import type { Vault } from "../crypto/vault.js";
import type { Db } from "./open.js";
import { sessions } from "./schema.js";

const digest = (json: string) => createHash("sha1").update(json).digest("base64");
/** Values up to this many characters are kept as they are; longer ones as a digest. */
const SMALL = 2048;

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
  /** A `JSON.stringify` replacer applied as a value is stored, to drop what it need not keep. */
  scrub?: (key: string, value: unknown) => unknown;
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
  readonly #select;
  readonly #upsert;
  readonly #delete;
  /**
   * What each key held when last read or written: the value itself while
   * small (this process is the only writer, so it can answer reads), else a
   * digest, so that an unchanged value is not written again. Bounded, so
   * thousands of open conversations do not pile up in memory. `raw` is the
   * value's JSON before scrubbing: compared first, it spares the scrubbing
   * replacer (slow, it is called for every field) when nothing changed.
   */
  readonly #known = new Map<string, { json: string; raw: string } | { digest: string }>();
  #knownBytes = 0;

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly vault: Vault,
    private readonly options: PersonalStorageOptions,
  ) {
    this.#now = options.now ?? Date.now;
    this.#select = db.select().from(sessions).where(eq(sessions.lookup, sql.placeholder("lookup"))).prepare();
    this.#upsert = db.insert(sessions).values({
      lookup: sql.placeholder("lookup"), contactId: sql.placeholder("contactId"), value: sql.placeholder("value"), expiresAt: sql.placeholder("expiresAt"),
    }).onConflictDoUpdate({
      target: sessions.lookup,
      set: { contactId: sql`excluded.contact_id`, value: sql`excluded.value`, expiresAt: sql`excluded.expires_at` },
    }).prepare();
    this.#delete = db.delete(sessions).where(eq(sessions.lookup, sql.placeholder("lookup"))).prepare();
  }

  /**
   * `hash` is the text's digest when the caller made it already (only a large
   * text needs one); `raw`, the unscrubbed JSON it was made from (a stored
   * text, read back and parsed, makes itself again).
   */
  #remember(key: string, json: string, hash = json.length > SMALL ? digest(json) : undefined, raw = json): void {
    if (this.#known.size >= 20_000 || this.#knownBytes > 8 * 1024 * 1024) {
      this.#known.clear();
      this.#knownBytes = 0;
    }
    if (hash !== undefined) return void this.#known.set(key, { digest: hash });
    this.#known.set(key, { json, raw });
    this.#knownBytes += json.length + (raw === json ? 0 : raw.length);
  }

  #lookup(key: string): Buffer {
    return this.keyring.blindIndex(`state:${key}`);
  }

  #place(lookup: Buffer): string {
    return `sessions:${lookup.toString("hex")}:value`;
  }

  /** Whether the key holds a value, read without parsing it where it is known (a check made on every update). */
  async has(key: string): Promise<boolean> {
    if ((await this.options.memory.read(key)) !== undefined) return true;
    const known = this.#known.get(key);
    if (known && "json" in known) return known.json !== "";
    return (await this.read(key)) !== undefined;
  }

  async read(key: string): Promise<T | undefined> {
    const inMemory = await this.options.memory.read(key);
    if (inMemory !== undefined) return inMemory as T;
    const known = this.#known.get(key);
    if (known && "json" in known) return known.json === "" ? undefined : (JSON.parse(known.json) as T);
    const lookup = this.#lookup(key);
    const row = this.#select.get({ lookup });
    if (!row || row.expiresAt < this.#now()) {
      this.#remember(key, "");
      return undefined;
    }
    // The text as stored is what a write compares with: it is parsed, not made again.
    const json = this.vault.openText(row.contactId, row.value, this.#place(lookup));
    this.#remember(key, json);
    return JSON.parse(json) as T;
  }

  /**
   * Stores the value as it would be read back: scrubbed, made into JSON once,
   * and that text compared with what the key holds, then sealed.
   */
  async write(key: string, value: T): Promise<void> {
    const contactId = this.options.contactOf(key);
    if (!contactId) {
      this.#known.delete(key);
      return await this.options.memory.write(key, value);
    }
    // grammY writes back every session it read; most updates change nothing.
    const raw = JSON.stringify(value);
    const known = this.#known.get(key);
    if (known && "raw" in known && known.raw === raw) return;
    const json = this.options.scrub ? JSON.stringify(value, this.options.scrub) : raw;
    const hash = json.length > SMALL ? digest(json) : undefined;
    if (known && ("json" in known ? known.json === json : known.digest === hash)) return this.#remember(key, json, hash, raw);
    const lookup = this.#lookup(key);
    this.#upsert.run({ lookup, contactId, value: this.vault.sealText(contactId, json, this.#place(lookup)), expiresAt: this.#now() + this.options.ttlMs });
    this.#remember(key, json, hash, raw);
    await this.options.memory.delete(key);
  }

  /** When the last of a contact's stored values here expires, if any is stored (what /mydata tells them). */
  expiryOf(contactId: string): number | undefined {
    return this.db.select({ at: sql<number | null>`max(${sessions.expiresAt})` }).from(sessions).where(eq(sessions.contactId, contactId)).get()?.at ?? undefined;
  }

  /** Forgets what is cached, e.g. after rows were deleted behind this class's back (retention, erasure). */
  forgetCached(): void {
    this.#known.clear();
    this.#knownBytes = 0;
  }

  async delete(key: string): Promise<void> {
    this.#remember(key, "");
    await this.options.memory.delete(key);
    this.#delete.run({ lookup: this.#lookup(key) });
  }
}
