import { randomBytes, randomInt } from "node:crypto";
import { and, asc, desc, eq, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { RowIntegrity } from "../crypto/integrity.js";
import type { Vault } from "../crypto/vault.js";
import type { Db } from "../db/open.js";
import { caseNotes, cases } from "../db/schema.js";
import type { IntakeAnswers } from "../intake/questions.js";
import { BoundedMap } from "../cache/bounded-map.js";

const DAY = 24 * 60 * 60 * 1000;

/** Letters and digits that cannot be misread for one another (no 0/O, 1/I/L, 2/Z, 5/S, 8/B). */
const REF_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679";

/** A short reference like "K7Q-2FX": random, so it reveals nothing and cannot be guessed from another. */
export function newCaseRef(): string {
  let ref = "";
  for (let i = 0; i < 6; i++) ref += REF_ALPHABET[randomInt(REF_ALPHABET.length)];
  return `${ref.slice(0, 3)}-${ref.slice(3)}`;
}

/** How a case may be closed; short codes, never free text. */
export const OUTCOMES = ["advised", "referred", "ccf-request", "no-action", "unreachable", "duplicate"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface CaseSummary {
  answers: IntakeAnswers;
  /** The language the person speaks with the bot. */
  language: string;
}

type Row = typeof cases.$inferSelect;

export interface CaseView {
  id: string;
  ref: string;
  contactId: string;
  status: Row["status"];
  urgent: boolean;
  createdAt: number;
  expiresAt: number | null;
  volunteerId: string | null;
  outcome: string | null;
  summary: CaseSummary;
}

const place = (id: string) => `cases:${id}:summary`;
const notePlace = (id: string) => `case_notes:${id}:note`;

/** The author recorded on a note the person added themselves (their CCF draft); shown translated. */
export const PERSON_AUTHOR = "person";

/** Cases: opening, the queue, claiming, closing and notes. */
export class Cases {
  readonly #live;
  // Prepared once: opening a case (the end of every intake) reads the person's open case, inserts, and reads it back.
  readonly #activeOf;
  readonly #byId;
  readonly #insert;
  /**
   * `liveChat` answers, by contact: asked on every message, changed only by
   * `take`, `release` and `close` (which drop it). Rows deleted elsewhere
   * (erasure, retention) leave at most a stale id that `byId` no longer finds.
   */
  readonly #liveKnown = new BoundedMap<string, { id: string; volunteerId: string } | null>(10_000);

  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly integrity: RowIntegrity,
    private readonly now: () => number = Date.now,
  ) {
    this.#live = db.select({ id: cases.id, contactId: cases.contactId, volunteerId: cases.volunteerId, integrity: cases.integrity }).from(cases)
      .where(and(eq(cases.contactId, sql.placeholder("contactId")), eq(cases.status, "taken"))).prepare();
    const p = sql.placeholder;
    this.#activeOf = db.select().from(cases).where(and(eq(cases.contactId, p("contactId")), ne(cases.status, "closed"))).prepare();
    this.#byId = db.select().from(cases).where(eq(cases.id, p("id"))).prepare();
    this.#insert = db.insert(cases).values({
      id: p("id"), ref: p("ref"), contactId: p("contactId"), summary: p("summary"), status: "open", urgent: p("urgent"), createdAt: p("createdAt"),
      integrity: p("integrity"),
    }).prepare();
  }

  /** Whether the row's person and volunteer are the ones the bot wrote (not edited behind its back). */
  #intact(row: Pick<Row, "id" | "contactId" | "volunteerId" | "integrity">): boolean {
    return this.integrity.holds("cases", row.integrity, this.integrity.case(row));
  }

  /** Undefined for a row that fails its integrity check: it is reported and never shown or routed to. */
  #view(row: Row): CaseView | undefined {
    if (!this.#intact(row)) return undefined;
    return {
      id: row.id, ref: row.ref, contactId: row.contactId, status: row.status, urgent: row.urgent,
      createdAt: row.createdAt, expiresAt: row.expiresAt, volunteerId: row.volunteerId, outcome: row.outcome,
      summary: this.vault.open<CaseSummary>(row.contactId, row.summary, place(row.id)),
    };
  }

  /** The person's case a volunteer holds, without opening anything: asked on every message. */
  liveChat(contactId: string): { id: string; volunteerId: string } | undefined {
    const known = this.#liveKnown.get(contactId);
    if (known !== undefined) return known ?? undefined;
    const row = this.#live.get({ contactId });
    const live = row?.volunteerId && this.#intact(row) ? { id: row.id, volunteerId: row.volunteerId } : null;
    this.#liveKnown.set(contactId, live);
    return live ?? undefined;
  }

  #changed(changes: number): boolean {
    if (changes > 0) this.#liveKnown.clear();
    return changes === 1;
  }

  /** The person's case that is not closed, if any. */
  activeOf(contactId: string): CaseView | undefined {
    const row = this.#activeOf.get({ contactId });
    return row ? this.#view(row) : undefined;
  }

  /**
   * Opens a case, or joins the person's case that is still open: a new
   * summary replaces the old one, and urgency is only ever raised.
   */
  openOrJoin(contactId: string, summary: CaseSummary | undefined, urgent = false): { case: CaseView; opened: boolean } {
    const existing = this.#activeOf.get({ contactId });
    if (existing && this.#view(existing)) {
      const set: Partial<Row> = {};
      if (summary) set.summary = this.vault.seal(contactId, summary, place(existing.id));
      if (urgent && !existing.urgent) set.urgent = true;
      if (Object.keys(set).length > 0) this.db.update(cases).set(set).where(eq(cases.id, existing.id)).run();
      return { case: this.byId(existing.id)!, opened: false };
    }
    const id = randomBytes(12).toString("base64url");
    const sealed = this.vault.seal(contactId, summary ?? { answers: {}, language: "" }, place(id));
    for (let attempt = 0; ; attempt++) {
      try {
        this.#insert.run({
          id, ref: newCaseRef(), contactId, summary: sealed, urgent, createdAt: this.now(),
          integrity: this.integrity.case({ id, contactId, volunteerId: null }),
        });
        return { case: this.byId(id)!, opened: true };
      } catch (error) {
        // A reference already in use: draw another.
        if (attempt > 5 || !String((error as Error).message).includes("UNIQUE")) throw error;
      }
    }
  }


  byId(id: string): CaseView | undefined {
    const row = this.#byId.get({ id });
    return row ? this.#view(row) : undefined;
  }

  byRef(ref: string): CaseView | undefined {
    const row = this.db.select().from(cases).where(eq(cases.ref, ref.toUpperCase())).get();
    return row ? this.#view(row) : undefined;
  }

  #views(rows: Row[]): CaseView[] {
    return rows.flatMap((row) => this.#view(row) ?? []);
  }

  ofContact(contactId: string): CaseView[] {
    return this.#views(this.db.select().from(cases).where(eq(cases.contactId, contactId)).orderBy(cases.createdAt).all());
  }

  ofVolunteer(volunteerId: string): CaseView[] {
    return this.#views(this.db.select().from(cases)
      .where(and(eq(cases.volunteerId, volunteerId), eq(cases.status, "taken")))
      .orderBy(asc(cases.takenAt)).all());
  }

  /** Cases waiting for a volunteer: urgent first, then oldest first. */
  queue(): CaseView[] {
    return this.#views(this.db.select().from(cases).where(eq(cases.status, "open"))
      .orderBy(desc(cases.urgent), asc(cases.createdAt)).all());
  }

  /** Claims an open case. Of two volunteers taking at once, exactly one gets `true`. */
  take(caseId: string, volunteerId: string): boolean {
    const row = this.db.select().from(cases).where(eq(cases.id, caseId)).get();
    if (!row || !this.#intact(row)) return false;
    return this.#changed(this.db.update(cases)
      .set({ status: "taken", volunteerId, takenAt: this.now(), integrity: this.integrity.case({ ...row, volunteerId }) })
      .where(and(eq(cases.id, caseId), eq(cases.status, "open")))
      .run().changes);
  }

  /** Puts a case back in the queue; only its volunteer can. */
  release(caseId: string, volunteerId?: string): boolean {
    const row = this.db.select().from(cases).where(eq(cases.id, caseId)).get();
    if (!row || !this.#intact(row)) return false;
    const owner = volunteerId === undefined ? isNotNull(cases.volunteerId) : eq(cases.volunteerId, volunteerId);
    return this.#changed(this.db.update(cases)
      .set({ status: "open", volunteerId: null, takenAt: null, alertedAt: null, integrity: this.integrity.case({ ...row, volunteerId: null }) })
      .where(and(eq(cases.id, caseId), eq(cases.status, "taken"), owner))
      .run().changes);
  }

  /** Closes a case with an outcome code; it is erased `keepDays` later. */
  close(caseId: string, keepDays: number, outcome?: Outcome, volunteerId?: string): boolean {
    const now = this.now();
    const conditions = [eq(cases.id, caseId), ne(cases.status, "closed")];
    if (volunteerId !== undefined) conditions.push(eq(cases.volunteerId, volunteerId));
    return this.#changed(this.db.update(cases)
      // Kept to the day: retention needs no more.
      .set({ status: "closed", closedAt: now - (now % DAY), expiresAt: now + keepDays * DAY, outcome: outcome ?? null })
      .where(and(...conditions))
      .run().changes);
  }

  /** Urgent open cases whose volunteers were last alerted before `before` (or never). */
  urgentToAlert(before: number): CaseView[] {
    // Asked every few seconds: selected in SQL, so only the cases due are opened.
    return this.#views(this.db.select().from(cases)
      .where(and(eq(cases.status, "open"), eq(cases.urgent, true), or(isNull(cases.alertedAt), lt(cases.alertedAt, before))))
      .orderBy(asc(cases.createdAt)).all());
  }

  markAlerted(caseId: string): void {
    this.db.update(cases).set({ alertedAt: this.now() }).where(eq(cases.id, caseId)).run();
  }

  addNote(c: CaseView, author: string, text: string): void {
    const id = randomBytes(12).toString("base64url");
    this.db.insert(caseNotes).values({ id, caseId: c.id, author, note: this.vault.seal(c.contactId, text, notePlace(id)), createdAt: this.now() }).run();
  }

  /** Notes on a case: by staff, and those the person added (their CCF draft). */
  noteCount(c: CaseView): { staff: number; person: number } {
    const rows = this.db.select({ byPerson: sql<number>`${caseNotes.author} = ${PERSON_AUTHOR}`, n: sql<number>`count(*)` }).from(caseNotes)
      .where(eq(caseNotes.caseId, c.id)).groupBy(sql`1`).all();
    return { staff: rows.find((r) => !r.byPerson)?.n ?? 0, person: rows.find((r) => r.byPerson)?.n ?? 0 };
  }

  notes(c: CaseView): { author: string; text: string; createdAt: number }[] {
    return this.db.select().from(caseNotes).where(eq(caseNotes.caseId, c.id)).orderBy(asc(caseNotes.createdAt)).all()
      .map((n) => ({ author: n.author, createdAt: n.createdAt, text: this.vault.open<string>(c.contactId, n.note, notePlace(n.id)) }));
  }
}
