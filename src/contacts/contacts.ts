import { randomBytes } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import type { RowIntegrity } from "../crypto/integrity.js";
import type { Keyring } from "../crypto/keyring.js";
import { Vault } from "../crypto/vault.js";
import type { Db } from "../db/open.js";
import { contacts } from "../db/schema.js";
import { isLanguage, type Language } from "../i18n/languages.js";
import { BoundedMap } from "../cache/bounded-map.js";

const DAY = 24 * 60 * 60 * 1000;

/** Where a person writes from: the messenger and its chat id there. */
export interface Address {
  messenger: string;
  chatId: string;
}

export interface Contact {
  id: string;
  address: Address;
  language: Language;
  consentAt: number;
  expiresAt: number;
}

interface Profile {
  messenger: string;
  chatId: string;
  language: Language;
}

export interface ContactsOptions {
  /** Days without any message after which a contact is erased. */
  idleDays: number;
  now?: () => number;
}

const place = (id: string) => `contacts:${id}:profile`;

/** People who agreed to be stored. Their profile is sealed with their own data key. */
export class Contacts {
  readonly #now: () => number;
  // Prepared once: these run on nearly every update (touch: once a day per person).
  readonly #byLookup;
  readonly #byId;
  readonly #touch;
  readonly #byIds;

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly vault: Vault,
    private readonly integrity: RowIntegrity,
    private readonly options: ContactsOptions,
  ) {
    this.#now = options.now ?? Date.now;
    this.#byLookup = db.select().from(contacts).where(eq(contacts.lookup, sql.placeholder("lookup"))).prepare();
    this.#byId = db.select().from(contacts).where(eq(contacts.id, sql.placeholder("id"))).prepare();
    // A page of a broadcast's recipients: the ids go in as one JSON array.
    this.#byIds = db.select().from(contacts).where(inArray(contacts.id, sql`(SELECT value FROM json_each(${sql.placeholder("ids")}))`)).prepare();
    this.#touch = db.update(contacts)
      .set({ lastSeenAt: sql`${sql.placeholder("day")}`, expiresAt: sql`${sql.placeholder("expiresAt")}` })
      .where(eq(contacts.id, sql.placeholder("id")))
      .prepare();
  }

  #lookup(address: Address): Buffer {
    return this.keyring.blindIndex(`contact:${address.messenger}:${address.chatId}`);
  }

  #expiry(now: number): number {
    return now + this.options.idleDays * DAY;
  }


  /** The stored contact's id; through `find`, so a row whose lookup was swapped is refused here too. */
  idOf(address: Address): string | undefined {
    return this.find(address)?.id;
  }

  /** Recently found people, for a few seconds: asked on every update. */
  readonly #recent = new BoundedMap<string, { contact: Contact | undefined; at: number }>(10_000);

  find(address: Address): Contact | undefined {
    const key = `${address.messenger}:${address.chatId}`;
    const now = this.#now();
    const recent = this.#recent.get(key);
    if (recent && now - recent.at < 10_000) return recent.contact;
    const row = this.#byLookup.get({ lookup: this.#lookup(address) });
    const contact = row ? this.#decode(row) : undefined;
    this.#recent.set(key, { contact, at: now });
    return contact;
  }

  /** Drops what `find` remembers (after changes it did not make itself, such as retention). */
  forgetCached(address?: Address): void {
    if (address) this.#recent.delete(`${address.messenger}:${address.chatId}`);
    else this.#recent.clear();
  }

  byId(id: string): Contact | undefined {
    const row = this.#byId.get({ id });
    return row ? this.#decode(row) : undefined;
  }

  /**
   * Many people in one read (a broadcast's next page), by id; those missing
   * or failing the lookup check are left out. Their data keys are not cached.
   */
  byIds(ids: readonly string[]): Map<string, Contact> {
    const found = new Map<string, Contact>();
    if (ids.length === 0) return found;
    for (const row of this.#byIds.all({ ids: JSON.stringify(ids) })) {
      const contact = this.#decode(row, this.vault.openPassing<Profile>(row.id, row.wrappedKey, row.profile, place(row.id)));
      if (contact) found.set(row.id, contact);
    }
    return found;
  }

  /**
   * Undefined when the row's lookup is not the keyed hash of the address
   * sealed in its profile: lookups swapped between rows behind the bot's back
   * would otherwise hand one person's record to another.
   */
  #decode(row: typeof contacts.$inferSelect, profile = this.vault.open<Profile>(row.id, row.profile, place(row.id))): Contact | undefined {
    if (!this.integrity.sameLookup("contacts", row.lookup, this.#lookup(profile))) return undefined;
    return {
      id: row.id,
      address: { messenger: profile.messenger, chatId: profile.chatId },
      language: isLanguage(profile.language) ? profile.language : "en",
      consentAt: row.consentAt,
      expiresAt: row.expiresAt,
    };
  }

  /** Stores a person after explicit consent, or returns them if already stored. */
  consent(address: Address, language: Language): Contact {
    const existing = this.find(address);
    if (existing) return existing;
    this.forgetCached(address);
    const id = randomBytes(12).toString("base64url");
    const dataKey = this.keyring.newDataKey();
    // The day is all that is kept of when someone agreed: the hour would only help to link them to traffic.
    const now = Math.floor(this.#now() / DAY) * DAY;
    const profile: Profile = { ...address, language };
    this.db.insert(contacts).values({
      id,
      lookup: this.#lookup(address),
      wrappedKey: this.keyring.wrapDataKey(dataKey, id),
      profile: Vault.sealWith(dataKey, profile, place(id)),
      consentAt: now,
      lastSeenAt: now,
      expiresAt: this.#expiry(now),
    }).run();
    dataKey.fill(0);
    return { id, address, language, consentAt: now, expiresAt: this.#expiry(now) };
  }

  setLanguage(contact: Contact, language: Language): void {
    this.forgetCached(contact.address);
    const profile: Profile = { ...contact.address, language };
    this.db.update(contacts)
      .set({ profile: this.vault.seal(contact.id, profile, place(contact.id)) })
      .where(eq(contacts.id, contact.id))
      .run();
  }

  /** Pushes the idle expiry forward; the day is all that is kept of when someone last wrote. */
  touch(contact: Contact): void {
    this.forgetCached(contact.address);
    const day = Math.floor(this.#now() / DAY) * DAY;
    this.#touch.run({ day, expiresAt: this.#expiry(day), id: contact.id });
  }

  /**
   * Deletes the person's row and with it the only copy of their data key;
   * their sessions, drafts and cases go with it (foreign keys cascade).
   */
  forget(address: Address): boolean {
    const id = this.idOf(address);
    this.forgetCached(address);
    if (!id) return false;
    this.vault.evict(id);
    return this.db.delete(contacts).where(eq(contacts.id, id)).run().changes > 0;
  }
}
