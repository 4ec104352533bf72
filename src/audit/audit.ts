import { and, desc, eq, gte, ne, sql } from "drizzle-orm";
import type { Db } from "../db/open.js";
import { audit } from "../db/schema.js";

/** What the audit log records; never message text or ids, only who (pseudonym), what and which case. */
export const AUDIT_ACTIONS = [
  "invite", "join", "take", "view", "release", "close", "note", "role", "remove", "leave", "duty", "broadcast", "denied", "forged", "tampered",
  "held", "trust", "kit",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The actor recorded for anyone who is not staff. */
export const STRANGER = "stranger";


export interface AuditQuery {
  actor?: string;
  action?: AuditAction;
  /** From 1. */
  page?: number;
  size?: number;
}

export interface AuditEntry {
  at: number;
  actor: string;
  action: AuditAction;
  caseRef: string | null;
}

const entry = (e: typeof audit.$inferSelect): AuditEntry => ({ at: e.at, actor: e.actor, action: e.action as AuditAction, caseRef: e.caseRef });

export class AuditLog {
  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  record(actor: string, action: AuditAction, caseRef?: string): void {
    this.db.insert(audit).values({ at: this.now(), actor, action, caseRef: caseRef ?? null }).run();
  }

  /** Drops a case's reference from every entry: after /forget, no trace of the case stays. */
  clearCase(caseRef: string): void {
    this.db.update(audit).set({ caseRef: null }).where(eq(audit.caseRef, caseRef)).run();
  }

  /** How many times `actor` did `action` since `since` (ms). */
  count(actor: string, action: AuditAction, since: number): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(audit)
      .where(and(eq(audit.actor, actor), eq(audit.action, action), gte(audit.at, since))).get()?.n ?? 0;
  }

  /** Every kind of entry, strangers' too, newest first. */
  latest(limit = 30): AuditEntry[] {
    return this.db.select().from(audit).orderBy(desc(audit.id)).limit(limit).all().map(entry);
  }

  /**
   * One page of entries, newest first, optionally of one actor or one kind.
   * Without an actor, refused attempts by strangers are left out (see
   * `strangers`): a flood of them must not push staff actions off the page.
   */
  page(query: AuditQuery = {}): { entries: AuditEntry[]; total: number } {
    const conditions = [];
    if (query.actor !== undefined) conditions.push(eq(audit.actor, query.actor));
    else conditions.push(ne(audit.actor, STRANGER));
    if (query.action !== undefined) conditions.push(eq(audit.action, query.action));
    const where = and(...conditions);
    const size = query.size ?? 20;
    const total = this.db.select({ n: sql<number>`count(*)` }).from(audit).where(where).get()?.n ?? 0;
    const entries = this.db.select().from(audit).where(where).orderBy(desc(audit.id))
      .limit(size).offset(Math.max(0, (query.page ?? 1) - 1) * size).all().map(entry);
    return { entries, total };
  }

  /** Refused attempts by people who are not staff, counted by kind, and when the last was. */
  strangers(): { counts: Partial<Record<AuditAction, number>>; total: number; last: number | undefined } {
    const rows = this.db.select({ action: audit.action, n: sql<number>`count(*)`, last: sql<number>`max(${audit.at})` }).from(audit)
      .where(eq(audit.actor, STRANGER)).groupBy(audit.action).all();
    const counts: Partial<Record<AuditAction, number>> = {};
    for (const r of rows) counts[r.action as AuditAction] = r.n;
    return {
      counts,
      total: rows.reduce((sum, r) => sum + r.n, 0),
      last: rows.length > 0 ? Math.max(...rows.map((r) => r.last)) : undefined,
    };
  }
}
