import { and, asc, desc, eq, gt, inArray, lte, ne, sql } from "drizzle-orm";
import type { AuditLog } from "../audit/audit.js";
import type { Contacts } from "../contacts/contacts.js";
import type { Db } from "../db/open.js";
import { broadcastDeliveries, broadcasts } from "../db/schema.js";
import { LANGUAGES } from "../i18n/languages.js";
import { covers } from "./regions.js";
import type { Subscriptions } from "./subscriptions.js";

export type Target = typeof broadcasts.$inferSelect["target"];
export type Broadcast = typeof broadcasts.$inferSelect;

export interface Draft {
  /** Text per language; missing ones fall back to `fallback`. */
  texts: Record<string, string>;
  fallback: string;
  target: Target;
}

export interface Recipient {
  contactId: string;
  messenger: string;
  language: string;
}

/** How a delivery ends, or waits for a retry; "unsent" hands back a claim that was never sent. */
export type Outcome = "sent" | "failed" | "unsent" | { retryAt: number };

export interface Settlement {
  contactId: string;
  outcome: Outcome;
}

export interface Progress {
  total: number;
  sent: number;
  failed: number;
  pending: number;
  ambiguous: number;
}

const { placeholder } = sql;
/** One delivery row, by the job's and the person's id. */
/** The deliveries of job `id` whose contact ids are in the JSON array `ids`. */
const someDeliveries = and(
  eq(broadcastDeliveries.broadcastId, placeholder("id")),
  inArray(broadcastDeliveries.contactId, sql`(SELECT value FROM json_each(${placeholder("ids")}))`),
);
const oneDelivery = and(eq(broadcastDeliveries.broadcastId, placeholder("id")), eq(broadcastDeliveries.contactId, placeholder("contactId")));

/** The text a language gets: its own, or the fallback's. */
export function textFor(draft: Pick<Draft, "texts" | "fallback">, language: string): string {
  return draft.texts[language] ?? draft.texts[draft.fallback] ?? "";
}

/** Languages with no text of their own, which will get the fallback. */
export function missingLanguages(draft: Pick<Draft, "texts">): string[] {
  return LANGUAGES.filter((l) => !draft.texts[l]);
}

/** Broadcast jobs and their counters: nothing personal, readable without the key. */
export class BroadcastLedger {
  constructor(protected readonly db: Db, protected readonly now: () => number = Date.now) {}

  get(id: number): Broadcast | undefined {
    return this.db.select().from(broadcasts).where(eq(broadcasts.id, id)).get();
  }

  list(limit = 10): Broadcast[] {
    return this.db.select().from(broadcasts).orderBy(desc(broadcasts.id)).limit(limit).all();
  }

  running(): Broadcast[] {
    return this.db.select().from(broadcasts).where(eq(broadcasts.status, "running")).orderBy(asc(broadcasts.id)).all();
  }

  progress(id: number): Progress {
    const job = this.get(id);
    if (job && job.sent !== null) return { total: job.total, sent: job.sent, failed: job.failed ?? 0, pending: 0, ambiguous: job.ambiguous };
    const rows = this.db.select({ state: broadcastDeliveries.state, n: sql<number>`count(*)` }).from(broadcastDeliveries)
      .where(eq(broadcastDeliveries.broadcastId, id)).groupBy(broadcastDeliveries.state).all();
    const count = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
    return {
      total: job?.total ?? 0,
      sent: count("sent"),
      failed: count("failed"),
      pending: count("pending") + count("sending"),
      ambiguous: job?.ambiguous ?? 0,
    };
  }

  /** Deliveries settled per second over the last `windowMs`. */
  rate(id: number, windowMs = 10_000): number {
    const row = this.db.select({ n: sql<number>`count(*)` }).from(broadcastDeliveries)
      .where(and(eq(broadcastDeliveries.broadcastId, id), gt(broadcastDeliveries.settledAt, this.now() - windowMs))).get();
    return ((row?.n ?? 0) * 1000) / windowMs;
  }
}

/**
 * Broadcast jobs. The recipient list is fixed when the admin confirms; each
 * delivery is a row whose state moves pending → sending → sent|failed, so a
 * job resumes exactly where it stopped after a crash.
 */
export class Broadcasts extends BroadcastLedger {
  constructor(
    db: Db,
    private readonly subscriptions: Subscriptions,
    private readonly contacts: Contacts,
    private readonly audit: AuditLog,
    now: () => number = Date.now,
  ) {
    super(db, now);
  }

  /**
   * Who a draft would reach now; with `messengers`, only people on those (a
   * subscriber on a messenger this bot no longer runs would keep the job open).
   */
  recipients(target: Target, messengers?: ReadonlySet<string>): Recipient[] {
    const out: Recipient[] = [];
    for (const { contactId, places } of this.subscriptions.all()) {
      if (target.kind === "places" && !covers(places, target.places)) continue;
      const contact = this.contacts.byId(contactId);
      if (!contact || (messengers && !messengers.has(contact.address.messenger))) continue;
      if (target.kind === "language" && contact.language !== target.language) continue;
      out.push({ contactId, messenger: contact.address.messenger, language: contact.language });
    }
    return out;
  }

  /** Counts per messenger, for the confirmation step. */
  countByMessenger(recipients: Recipient[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of recipients) counts[r.messenger] = (counts[r.messenger] ?? 0) + 1;
    return counts;
  }

  /** Confirms a draft: the job and its fixed recipient list, in one transaction. */
  create(draft: Draft, createdBy: string, adminId: string | null, messengers?: ReadonlySet<string>): Broadcast {
    const recipients = this.recipients(draft.target, messengers);
    this.audit.record(createdBy, "broadcast");
    return this.db.transaction((tx) => {
      const job = tx.insert(broadcasts).values({
        status: "running", createdBy, adminId, texts: draft.texts, fallback: draft.fallback, target: draft.target,
        total: recipients.length, createdAt: this.now(),
      }).returning().get();
      const rows = recipients.map((r, seq) => ({ broadcastId: job.id, contactId: r.contactId, seq, messenger: r.messenger, state: "pending" as const }));
      for (let i = 0; i < rows.length; i += 500) tx.insert(broadcastDeliveries).values(rows.slice(i, i + 500)).run();
      return job;
    });
  }

  setProgressMessage(id: number, messageId: number): void {
    this.db.update(broadcasts).set({ progressMessageId: messageId }).where(eq(broadcasts.id, id)).run();
  }

  /** Stops a running job (the runner sees it within 100 ms); `by` is the admin's pseudonym, for the audit. */
  cancel(id: number, by: string): boolean {
    const cancelled = this.db.update(broadcasts).set({ status: "cancelled", finishedAt: this.now() })
      .where(and(eq(broadcasts.id, id), eq(broadcasts.status, "running"))).run().changes === 1;
    if (cancelled) this.audit.record(by, "broadcast");
    return cancelled;
  }

  /**
   * After a crash: deliveries left "sending" were in flight. They go back to
   * pending (so nobody is missed) and are counted as ambiguous (they may
   * arrive twice).
   */
  recover(): number {
    let total = 0;
    for (const job of this.running()) {
      const stuck = this.db.update(broadcastDeliveries).set({ state: "pending" })
        .where(and(eq(broadcastDeliveries.broadcastId, job.id), eq(broadcastDeliveries.state, "sending"))).run().changes;
      if (stuck > 0) this.db.update(broadcasts).set({ ambiguous: sql`${broadcasts.ambiguous} + ${stuck}` }).where(eq(broadcasts.id, job.id)).run();
      total += stuck;
    }
    return total;
  }

  // Prepared once: the send path runs these for every delivery.
  readonly #due = this.db.select({ contactId: broadcastDeliveries.contactId, seq: broadcastDeliveries.seq }).from(broadcastDeliveries)
    .where(and(
      eq(broadcastDeliveries.broadcastId, placeholder("id")), eq(broadcastDeliveries.messenger, placeholder("messenger")),
      eq(broadcastDeliveries.state, "pending"), gt(broadcastDeliveries.seq, placeholder("after")), lte(broadcastDeliveries.nextAt, placeholder("now")),
    ))
    .orderBy(asc(broadcastDeliveries.seq)).limit(placeholder("limit")).prepare();
  // A batch's rows in one statement each: the ids go in as one JSON array.
  readonly #claim = this.db.update(broadcastDeliveries).set({ state: "sending" })
    .where(and(someDeliveries, eq(broadcastDeliveries.state, "pending"))).returning({ contactId: broadcastDeliveries.contactId }).prepare();
  readonly #unclaim = this.db.update(broadcastDeliveries).set({ state: "pending" })
    .where(and(someDeliveries, eq(broadcastDeliveries.state, "sending"))).prepare();
  readonly #ended = this.db.update(broadcastDeliveries)
    .set({ state: sql<"sent" | "failed">`${placeholder("state")}`, settledAt: sql`${placeholder("now")}` }).where(someDeliveries).prepare();
  readonly #retry = this.db.update(broadcastDeliveries)
    .set({ state: "pending", nextAt: sql`${placeholder("retryAt")}`, attempts: sql`${broadcastDeliveries.attempts} + 1` }).where(oneDelivery).prepare();

  /** Due deliveries of one messenger after `afterSeq`, in order; they stay pending until claimed by `step`. */
  duePage(id: number, messenger: string, afterSeq: number, limit: number): { contactId: string; seq: number }[] {
    return this.#due.all({ id, messenger, after: afterSeq, now: this.now(), limit });
  }

  /**
   * One committed step of a sending lane: settles deliveries, then marks
   * `claim` "sending" (from then until settled, a crash makes a delivery
   * ambiguous). Returns the ids claimed: one no longer pending (the person
   * was erased meanwhile) is left out and must not be sent.
   */
  step(id: number, settled: readonly Settlement[], claim: readonly string[] = []): string[] {
    if (settled.length === 0 && claim.length === 0) return [];
    const by: Record<"sent" | "failed" | "unsent", string[]> = { sent: [], failed: [], unsent: [] };
    const retries: { contactId: string; retryAt: number }[] = [];
    for (const { contactId, outcome } of settled) {
      if (typeof outcome === "string") by[outcome].push(contactId);
      else retries.push({ contactId, retryAt: outcome.retryAt });
    }
    return this.#stepWrite(id, by, retries, claim);
  }

  /** `step`'s writes as one transaction, made once (a lane commits every few sends). */
  readonly #stepWrite = this.db.$client.transaction((
    id: number, by: Record<"sent" | "failed" | "unsent", string[]>, retries: { contactId: string; retryAt: number }[], claim: readonly string[],
  ): string[] => {
    const now = this.now();
    if (by.unsent.length > 0) this.#unclaim.run({ id, ids: JSON.stringify(by.unsent) });
    for (const state of ["sent", "failed"] as const) {
      if (by[state].length > 0) this.#ended.run({ id, ids: JSON.stringify(by[state]), state, now });
    }
    for (const { contactId, retryAt } of retries) this.#retry.run({ id, contactId, retryAt });
    if (claim.length === 0) return [];
    const claimed = new Set(this.#claim.all({ id, ids: JSON.stringify(claim) }).map((r) => r.contactId));
    return claim.filter((contactId) => claimed.has(contactId));
  });

  /** Messengers that still have deliveries to make for a job. */
  messengersLeft(id: number): string[] {
    return this.db.selectDistinct({ messenger: broadcastDeliveries.messenger }).from(broadcastDeliveries)
      .where(and(eq(broadcastDeliveries.broadcastId, id), inArray(broadcastDeliveries.state, ["pending", "sending"]))).all()
      .map((r) => r.messenger);
  }

  finish(id: number): void {
    this.db.update(broadcasts).set({ status: "done", finishedAt: this.now() })
      .where(and(eq(broadcasts.id, id), eq(broadcasts.status, "running"))).run();
    this.compact(id);
  }

  /**
   * Once a job has ended (done or cancelled), keeps its counts and deletes
   * its delivery rows: who received which warning is not kept. Returns
   * whether it did; a running job is left alone.
   */
  compact(id: number): boolean {
    return this.db.transaction(() => {
      const job = this.get(id);
      if (!job || job.status === "running" || job.sent !== null) return false;
      const { sent, failed } = this.progress(id);
      this.db.update(broadcasts).set({ sent, failed }).where(eq(broadcasts.id, id)).run();
      this.db.delete(broadcastDeliveries).where(eq(broadcastDeliveries.broadcastId, id)).run();
      return true;
    });
  }

  /** Ended jobs whose delivery rows are still there (a cancel, or a stop before `finish` compacted). */
  compactEnded(): number {
    const ended = this.db.selectDistinct({ id: broadcastDeliveries.broadcastId }).from(broadcastDeliveries)
      .innerJoin(broadcasts, eq(broadcasts.id, broadcastDeliveries.broadcastId))
      .where(ne(broadcasts.status, "running")).all();
    return ended.filter((j) => this.compact(j.id)).length;
  }
}
