import { and, desc, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../db/open.js";
import { audit } from "../db/schema.js";

/** What the audit log records; never message text or ids, only who (pseudonym), what and which case. */
export type AuditAction =
  | "invite" | "join" | "take" | "view" | "release" | "close" | "note" | "role" | "remove" | "duty"
  | "broadcast" | "denied" | "forged";

export interface AuditEntry {
  at: number;
  actor: string;
  action: AuditAction;
  caseRef: string | null;
}

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

  latest(limit = 30): AuditEntry[] {
    return this.db.select().from(audit).orderBy(desc(audit.id)).limit(limit).all()
      .map((e) => ({ at: e.at, actor: e.actor, action: e.action as AuditAction, caseRef: e.caseRef }));
  }
}
