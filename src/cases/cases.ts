import { randomBytes, randomInt } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import type { Vault } from "../crypto/vault.js";
import type { Db } from "../db/open.js";
import { cases } from "../db/schema.js";
import type { IntakeAnswers } from "../intake/questions.js";

/** Letters and digits that cannot be misread for one another (no 0/O, 1/I/L, 2/Z, 5/S, 8/B). */
const REF_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679";

/** A short reference like "K7Q-2FX": random, so it reveals nothing and cannot be guessed from another. */
export function newCaseRef(): string {
  let ref = "";
  for (let i = 0; i < 6; i++) ref += REF_ALPHABET[randomInt(REF_ALPHABET.length)];
  return `${ref.slice(0, 3)}-${ref.slice(3)}`;
}

export interface CaseSummary {
  answers: IntakeAnswers;
  /** The language the person speaks with the bot. */
  language: string;
}

export interface CaseView {
  id: string;
  ref: string;
  status: "open" | "taken" | "closed";
  urgent: boolean;
  createdAt: number;
  expiresAt: number | null;
  summary: CaseSummary;
}

const place = (id: string) => `cases:${id}:summary`;

/** A person's cases. The handoff builds the queue on top of this. */
export class Cases {
  constructor(private readonly db: Db, private readonly vault: Vault, private readonly now: () => number = Date.now) {}

  /** Opens a case, or updates the summary of the person's case that is still open. */
  openOrUpdate(contactId: string, summary: CaseSummary): CaseView {
    const existing = this.db.select().from(cases)
      .where(and(eq(cases.contactId, contactId), ne(cases.status, "closed"))).get();
    if (existing) {
      this.db.update(cases).set({ summary: this.vault.seal(contactId, summary, place(existing.id)) }).where(eq(cases.id, existing.id)).run();
      return this.#view(existing, summary);
    }
    const id = randomBytes(12).toString("base64url");
    for (let attempt = 0; ; attempt++) {
      const row = {
        id,
        ref: newCaseRef(),
        contactId,
        summary: this.vault.seal(contactId, summary, place(id)),
        status: "open" as const,
        urgent: false,
        createdAt: this.now(),
      };
      try {
        this.db.insert(cases).values(row).run();
        return this.#view({ ...row, closedAt: null, expiresAt: null }, summary);
      } catch (error) {
        // A reference already in use: draw another.
        if (attempt > 5 || !String((error as Error).message).includes("UNIQUE")) throw error;
      }
    }
  }

  ofContact(contactId: string): CaseView[] {
    return this.db.select().from(cases).where(eq(cases.contactId, contactId)).all()
      .map((row) => this.#view(row, this.vault.open<CaseSummary>(contactId, row.summary, place(row.id))));
  }

  /** Closes a case; it is erased `keepDays` later. */
  close(id: string, keepDays: number): void {
    const now = this.now();
    this.db.update(cases).set({ status: "closed", closedAt: now, expiresAt: now + keepDays * 24 * 60 * 60 * 1000 }).where(eq(cases.id, id)).run();
  }

  #view(row: typeof cases.$inferSelect, summary: CaseSummary): CaseView {
    return { id: row.id, ref: row.ref, status: row.status, urgent: row.urgent, createdAt: row.createdAt, expiresAt: row.expiresAt, summary };
  }
}
