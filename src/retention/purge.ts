import { and, eq, lt, notInArray } from "drizzle-orm";
import type { Store } from "../db/open.js";
import { audit, cases, ccfReminders, contacts, intakeDrafts, sessions } from "../db/schema.js";

export interface PurgeReport {
  contacts: number;
  drafts: number;
  cases: number;
  sessions: number;
  audit: number;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Deletes everything whose time is up: idle contacts (with all they own),
 * unfinished intakes, closed cases and stale session state.
 */
export function purgeExpired(store: Store, now = Date.now(), auditDays = 90): PurgeReport {
  const { db } = store;
  const report = db.transaction((tx) => ({
    // Someone waiting for a CCF reminder is kept until it is sent or cancelled.
    contacts: tx.delete(contacts).where(and(lt(contacts.expiresAt, now), notInArray(contacts.id, tx.select({ id: ccfReminders.contactId }).from(ccfReminders)))).run().changes,
    drafts: tx.delete(intakeDrafts).where(lt(intakeDrafts.expiresAt, now)).run().changes,
    cases: tx.delete(cases).where(and(eq(cases.status, "closed"), lt(cases.expiresAt, now))).run().changes,
    sessions: tx.delete(sessions).where(lt(sessions.expiresAt, now)).run().changes,
    // Staff actions have their own retention: long enough to investigate, not forever.
    audit: tx.delete(audit).where(lt(audit.at, now - auditDays * DAY)).run().changes,
  }));
  if (report.contacts + report.drafts + report.cases + report.sessions > 0) store.checkpoint();
  return report;
}

/** Purges now and then every `everyMs`; the timer does not keep the process alive. */
export function schedulePurge(
  store: Store, everyMs: number, onReport: (report: PurgeReport) => void, now: () => number = Date.now, auditDays = 90,
): () => void {
  const run = () => onReport(purgeExpired(store, now(), auditDays));
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
