import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { open, seal, type Keyring } from "../crypto/keyring.js";
import type { Db } from "../db/open.js";
import { contacts } from "../db/schema.js";
import { isLanguage, type Language } from "../i18n/languages.js";

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

/**
 * People who agreed to be stored. Only this module sees their data key; it
 * hands out decrypted `Contact`s and never the key.
 */
export class Contacts {
  readonly #now: () => number;

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly options: ContactsOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  #lookup(address: Address): Buffer {
    return this.keyring.blindIndex(`contact:${address.messenger}:${address.chatId}`);
  }

  #expiry(now: number): number {
    return now + this.options.idleDays * DAY;
  }

  find(address: Address): Contact | undefined {
    const row = this.db.select().from(contacts).where(eq(contacts.lookup, this.#lookup(address))).get();
    if (!row) return undefined;
    const key = this.keyring.unwrapDataKey(row.wrappedKey, row.id);
    const profile = JSON.parse(open(key, row.profile, `contacts:${row.id}:profile`).toString("utf8")) as Profile;
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
    const id = randomBytes(12).toString("base64url");
    const dataKey = this.keyring.newDataKey();
    const now = this.#now();
    const profile: Profile = { ...address, language };
    this.db.insert(contacts).values({
      id,
      lookup: this.#lookup(address),
      wrappedKey: this.keyring.wrapDataKey(dataKey, id),
      profile: seal(dataKey, Buffer.from(JSON.stringify(profile)), `contacts:${id}:profile`),
      consentAt: now,
      lastSeenAt: now,
      expiresAt: this.#expiry(now),
    }).run();
    dataKey.fill(0);
    return { id, address, language, consentAt: now, expiresAt: this.#expiry(now) };
  }

  setLanguage(contact: Contact, language: Language): void {
    const row = this.db.select().from(contacts).where(eq(contacts.id, contact.id)).get();
    if (!row) return;
    const key = this.keyring.unwrapDataKey(row.wrappedKey, row.id);
    const profile: Profile = { ...contact.address, language };
    this.db.update(contacts)
      .set({ profile: seal(key, Buffer.from(JSON.stringify(profile)), `contacts:${row.id}:profile`) })
      .where(eq(contacts.id, row.id))
      .run();
    key.fill(0);
  }

  /** Pushes the idle expiry forward; the day is all that is kept of when someone last wrote. */
  touch(contact: Contact): void {
    const day = Math.floor(this.#now() / DAY) * DAY;
    this.db.update(contacts)
      .set({ lastSeenAt: day, expiresAt: this.#expiry(day) })
      .where(eq(contacts.id, contact.id))
      .run();
  }

  /** Deletes the person's row and with it the only copy of their data key. */
  forget(address: Address): boolean {
    const result = this.db.delete(contacts).where(eq(contacts.lookup, this.#lookup(address))).run();
    return result.changes > 0;
  }
}
