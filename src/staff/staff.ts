import { createHmac, randomBytes, randomInt } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import type { AdminRef } from "../config/env.js";
import type { Address } from "../contacts/contacts.js";
import { STRANGER, type AuditLog } from "../audit/audit.js";
import type { RowIntegrity } from "../crypto/integrity.js";
import type { Keyring } from "../crypto/keyring.js";
import { Vault } from "../crypto/vault.js";
import type { Db } from "../db/open.js";
import { invites, staff } from "../db/schema.js";
import { BoundedMap } from "../cache/bounded-map.js";

export type Role = "volunteer" | "admin";

export interface StaffMember {
  id: string;
  address: Address;
  role: Role;
  /** The only name people and other staff see, e.g. "Anna". */
  pseudonym: string;
  /** The language the bot speaks to them in. */
  language: string;
  onDuty: boolean;
  currentCaseId: string | null;
}

interface Profile {
  messenger: string;
  chatId: string;
  pseudonym: string;
  language: string;
}

/** First names for pseudonyms: common, neutral, easy in all three languages. */
const NAMES = ["Anna", "Maks", "Ola", "Ian", "Lena", "Pavel", "Vera", "Artur", "Nina", "Oleg", "Rita", "Marat", "Zoja", "Boris", "Inga", "Denis"];

/** The same names as Russian and Belarusian readers write them. */
const IN_CYRILLIC: Record<string, Record<string, string>> = {
  ru: { Anna: "Анна", Maks: "Макс", Ola: "Оля", Ian: "Ян", Lena: "Лена", Pavel: "Павел", Vera: "Вера", Artur: "Артур", Nina: "Нина", Oleg: "Олег", Rita: "Рита", Marat: "Марат", Zoja: "Зоя", Boris: "Борис", Inga: "Инга", Denis: "Денис" },
  be: { Anna: "Ганна", Maks: "Макс", Ola: "Воля", Ian: "Ян", Lena: "Лена", Pavel: "Павел", Vera: "Вера", Artur: "Артур", Nina: "Ніна", Oleg: "Алег", Rita: "Рыта", Marat: "Марат", Zoja: "Зоя", Boris: "Барыс", Inga: "Інга", Denis: "Дзяніс" },
};

/** A pseudonym as a reader of `language` would write it ("Vera" → "Вера"), any number after it kept. */
export function pseudonymIn(pseudonym: string, language: string): string {
  const [name = "", ...rest] = pseudonym.split(" ");
  const local = IN_CYRILLIC[language]?.[name];
  return local ? [local, ...rest].join(" ") : pseudonym;
}
const INVITE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679";
const INVITE_HOURS = 48;
const place = (id: string) => `staff:${id}:profile`;

/**
 * Volunteers and admins. Roles live in the database (admins named in
 * `ADMINS` are admins whatever the table says) and are checked on every
 * update; invites are one-time codes kept only as a keyed hash.
 */
export class Staff {
  readonly #vault: Vault;
  /** Who is staff, by lookup hash: asked on every update, changed rarely (and only through this class). */
  readonly #rows = new BoundedMap<string, typeof staff.$inferSelect | null>(20_000);
  /** Prepared once: asked for every address not yet in `#rows`. */
  readonly #byLookup;

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    vault: Vault,
    private readonly admins: AdminRef[],
    private readonly integrity: RowIntegrity,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
  ) {
    this.#vault = vault;
    this.#byLookup = db.select().from(staff).where(eq(staff.lookup, sql.placeholder("lookup"))).prepare();
  }

  #lookup(address: Address): Buffer {
    return this.keyring.blindIndex(`staff:${address.messenger}:${address.chatId}`);
  }

  #isConfiguredAdmin(address: Address, aliases: string[] = []): boolean {
    return this.admins.some((a) => a.messenger === address.messenger && (a.id === address.chatId || aliases.includes(a.id)));
  }

  /** Undefined for a row whose role or lookup was changed behind the bot's back (reported, never obeyed). */
  #decode(row: typeof staff.$inferSelect, address?: Address): StaffMember | undefined {
    if (!this.integrity.holds("staff", row.integrity, this.integrity.staff(row))) return undefined;
    const profile = this.#vault.open<Profile>(row.id, row.profile, place(row.id));
    const addr = address ?? { messenger: profile.messenger, chatId: profile.chatId };
    return {
      id: row.id,
      address: addr,
      role: this.#isConfiguredAdmin(addr) ? "admin" : row.role,
      pseudonym: profile.pseudonym,
      language: profile.language,
      onDuty: row.onDuty,
      currentCaseId: row.currentCaseId,
    };
  }

  #create(address: Address, role: Role, language: string): StaffMember {
    const taken = new Set(this.list().map((m) => m.pseudonym));
    const free = NAMES.filter((n) => !taken.has(n));
    const pseudonym = free[randomInt(Math.max(1, free.length))] ?? `${NAMES[randomInt(NAMES.length)]} ${taken.size + 1}`;
    const id = randomBytes(12).toString("base64url");
    const key = this.keyring.newDataKey();
    const lookup = this.#lookup(address);
    this.#rows.clear();
    this.db.insert(staff).values({
      id,
      lookup,
      integrity: this.integrity.staff({ id, lookup, role }),
      wrappedKey: this.keyring.wrapDataKey(key, id),
      profile: Vault.sealWith(key, { ...address, pseudonym, language } satisfies Profile, place(id)),
      role,
      createdAt: this.now(),
    }).run();
    key.fill(0);
    return { id, address, role, pseudonym, language, onDuty: false, currentCaseId: null };
  }

  /** The staff member writing from this address; configured admins are registered on first contact. */
  #row(address: Address): typeof staff.$inferSelect | undefined {
    const key = `${address.messenger}:${address.chatId}`;
    if (!this.#rows.has(key)) {
      this.#rows.set(key, this.#byLookup.get({ lookup: this.#lookup(address) }) ?? null);
    }
    return this.#rows.get(key) ?? undefined;
  }

  /** Forgets what is known about staff rows after any change to them. */
  #changed<T>(result: T): T {
    this.#rows.clear();
    return result;
  }

  find(address: Address, language = "en", aliases: string[] = []): StaffMember | undefined {
    const row = this.#row(address);
    if (row) {
      const member = this.#decode(row, address);
      if (!member) return undefined;
      return this.#isConfiguredAdmin(address, aliases) ? { ...member, role: "admin" } : member;
    }
    return this.#isConfiguredAdmin(address, aliases) ? this.#create(address, "admin", language) : undefined;
  }

  setLanguage(member: StaffMember, language: string): void {
    const profile: Profile = { ...member.address, pseudonym: member.pseudonym, language };
    this.#changed(this.db.update(staff).set({ profile: this.#vault.seal(member.id, profile, place(member.id)) }).where(eq(staff.id, member.id)).run());
  }

  byId(id: string): StaffMember | undefined {
    const row = this.db.select().from(staff).where(eq(staff.id, id)).get();
    return row && this.#decode(row);
  }

  list(): StaffMember[] {
    return this.db.select().from(staff).all().flatMap((row) => this.#decode(row) ?? []);
  }

  onDuty(): StaffMember[] {
    return this.list().filter((m) => m.onDuty);
  }

  #hash(code: string): Buffer {
    return createHmac("sha256", this.keyring.blindIndex("invite-key")).update(code.toUpperCase()).digest();
  }

  /** A one-time code for `/join`, valid for two days. */
  invite(by: StaffMember, role: Role = "volunteer"): string {
    let code = "";
    for (let i = 0; i < 10; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
    const codeHash = this.#hash(code);
    this.audit.record(by.pseudonym, "invite");
    this.db.insert(invites).values({
      codeHash, role, createdBy: by.pseudonym, expiresAt: this.now() + INVITE_HOURS * 3600_000, integrity: this.integrity.invite({ codeHash, role }),
    }).run();
    return code;
  }

  /** Redeems an invite; the code is gone after one use, right or wrong person. A wrong code is audited. */
  join(address: Address, code: string, language: string): StaffMember | undefined {
    const member = this.#redeem(address, code, language);
    this.audit.record(member?.pseudonym ?? STRANGER, member ? "join" : "denied");
    return member;
  }

  #redeem(address: Address, code: string, language: string): StaffMember | undefined {
    this.db.delete(invites).where(lt(invites.expiresAt, this.now())).run();
    const hash = this.#hash(code.trim());
    const invite = this.db.select().from(invites).where(eq(invites.codeHash, hash)).get();
    if (!invite) return undefined;
    if (this.db.delete(invites).where(eq(invites.codeHash, hash)).run().changes !== 1) return undefined;
    if (!this.integrity.holds("invites", invite.integrity, this.integrity.invite(invite))) return undefined;
    return this.find(address, language) ?? this.#create(address, invite.role, language);
  }

  remove(id: string): boolean {
    return this.#changed(this.db.delete(staff).where(eq(staff.id, id)).run().changes === 1);
  }

  setRole(by: StaffMember, id: string, role: Role): boolean {
    const row = this.db.select().from(staff).where(eq(staff.id, id)).get();
    if (!row || !this.#decode(row)) return false;
    this.audit.record(by.pseudonym, "role");
    return this.#changed(this.db.update(staff).set({ role, integrity: this.integrity.staff({ ...row, role }) }).where(eq(staff.id, id)).run().changes === 1);
  }

  setDuty(member: StaffMember, onDuty: boolean): void {
    this.audit.record(member.pseudonym, "duty");
    this.#changed(this.db.update(staff).set({ onDuty }).where(eq(staff.id, member.id)).run());
  }

  setCurrentCase(id: string, caseId: string | null): void {
    this.#changed(this.db.update(staff).set({ currentCaseId: caseId }).where(eq(staff.id, id)).run());
  }

  /** Unsets a member's current case if it is this one: a volunteer may hold several. */
  leaveCase(id: string, caseId: string): void {
    this.#changed(this.db.update(staff).set({ currentCaseId: null }).where(and(eq(staff.id, id), eq(staff.currentCaseId, caseId))).run());
  }

  byPseudonym(pseudonym: string): StaffMember | undefined {
    return this.list().find((m) => m.pseudonym.toLowerCase() === pseudonym.trim().toLowerCase());
  }
}
