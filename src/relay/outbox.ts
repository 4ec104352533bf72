import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Address } from "../contacts/contacts.js";
import type { Vault } from "../crypto/vault.js";
import type { Db } from "../db/open.js";
import { cases, outbox } from "../db/schema.js";

/** A file a person sent, and where: enough to copy it, or to fetch it and upload it elsewhere. */
export interface CarriedFile {
  messenger: string;
  fromChatId: string;
  messageId: number;
  ref: { fileId: string; kind: "document" | "photo"; name: string; mime: string; size?: number };
}

/** One message to carry: text, or a file. */
export interface RelayPayload {
  to: Address;
  text?: string;
  file?: CarriedFile;
  /** Who to tell if it cannot be delivered, and in which language. */
  notify?: { to: Address; language: string };
  /** Delivery to the person of the case (as opposed to their volunteer). */
  toPerson: boolean;
}

/** Why a delivery did not happen, as the transport reports it. */
export class RelayFailure extends Error {
  override name = "RelayFailure";
  constructor(readonly kind: "retry" | "unreachable" | "rejected", readonly retryAfterMs?: number) {
    super(kind);
  }
}

export type Send = (payload: RelayPayload) => Promise<void>;

export interface OutboxEvents {
  /** Gave up: the deadline passed, or the transport refused the message for good. */
  failed(caseId: string, payload: RelayPayload, reason: "deadline" | "unreachable" | "rejected"): void | Promise<void>;
}

export interface OutboxOptions {
  /** How long to keep trying before telling the sender it failed. */
  deadlineMs: number;
  /** First retry delay after a 5xx or network error; doubles each time. */
  backoffMs: number;
  now?: () => number;
}

const place = (caseId: string, id: number) => `outbox:${caseId}:${id}`;

/**
 * Relay messages on their way. A message is written (sealed with the case
 * person's key) before anything is sent, marked "sending" while the
 * transport has it, and deleted once delivered, so its body is not kept. A
 * message found "sending" at start-up was in flight at a crash: it is sent
 * again and counted as ambiguous, since the messenger may have had it.
 */
export class Outbox {
  readonly #now: () => number;
  /** One sender per case with messages due: each case's messages go in order, the cases side by side. */
  readonly #senders = new Map<string, Promise<void>>();
  /** Messages re-sent after a crash that may have reached the messenger before it. */
  ambiguous = 0;
  // Prepared once: each message is read, marked and settled with these.
  readonly #contactOfCase;
  readonly #dueCases;
  readonly #nextOfCase;
  readonly #mark;
  readonly #retry;
  readonly #drop;
  readonly #nextDue;

  constructor(private readonly db: Db, private readonly vault: Vault, private readonly options: OutboxOptions) {
    this.#now = options.now ?? Date.now;
    const p = sql.placeholder;
    this.#contactOfCase = db.select({ contactId: cases.contactId }).from(cases).where(eq(cases.id, p("caseId"))).prepare();
    this.#dueCases = db.selectDistinct({ caseId: outbox.caseId }).from(outbox)
      .where(and(eq(outbox.state, "pending"), lte(outbox.nextAttemptAt, p("now")))).prepare();
    this.#nextOfCase = db.select().from(outbox)
      .where(and(eq(outbox.caseId, p("caseId")), eq(outbox.state, "pending"), lte(outbox.nextAttemptAt, p("now"))))
      .orderBy(asc(outbox.id)).limit(1).prepare();
    this.#mark = db.update(outbox).set({ state: "sending", attempts: sql`${outbox.attempts} + 1` }).where(eq(outbox.id, p("id"))).prepare();
    this.#retry = db.update(outbox).set({ state: "pending", nextAttemptAt: sql`${p("at")}` }).where(eq(outbox.id, p("id"))).prepare();
    this.#drop = db.delete(outbox).where(eq(outbox.id, p("id"))).prepare();
    this.#nextDue = db.select({ at: outbox.nextAttemptAt }).from(outbox).orderBy(asc(outbox.nextAttemptAt)).limit(1).prepare();
  }

  #contactOf(caseId: string): string | undefined {
    return this.#contactOfCase.get({ caseId })?.contactId;
  }

  enqueue(caseId: string, payload: RelayPayload): void {
    const contactId = this.#contactOf(caseId);
    if (!contactId) return;
    const now = this.#now();
    this.db.transaction((tx) => {
      const { id } = tx.insert(outbox).values({ caseId, payload: Buffer.alloc(0), state: "pending", nextAttemptAt: now, deadlineAt: now + this.options.deadlineMs }).returning({ id: outbox.id }).get();
      tx.update(outbox).set({ payload: this.vault.seal(contactId, payload, place(caseId, id)) }).where(eq(outbox.id, id)).run();
    });
  }

  /** At start-up: messages caught in flight by a crash go back to pending, counted. */
  recover(): number {
    const stuck = this.db.update(outbox).set({ state: "pending" }).where(eq(outbox.state, "sending")).run().changes;
    this.ambiguous += stuck;
    return stuck;
  }

  pending(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(outbox).get()?.n ?? 0;
  }

  /**
   * Sends everything due: each case's messages one at a time and in order,
   * the cases side by side, so one slow chat (a big file, a messenger waiting
   * out a limit) holds up only its own case. Resolves once the cases that had
   * messages due at the call have none left.
   */
  flush(send: Send, events: OutboxEvents): Promise<void> {
    const due = this.#dueCases.all({ now: this.#now() });
    const waiting = due.map(({ caseId }) => {
      let sender = this.#senders.get(caseId);
      if (!sender) {
        sender = this.#drain(caseId, send, events).finally(() => this.#senders.delete(caseId));
        this.#senders.set(caseId, sender);
      }
      return sender;
    });
    return Promise.all(waiting).then(() => undefined);
  }

  async #drain(caseId: string, send: Send, events: OutboxEvents): Promise<void> {
    for (;;) {
      const row = this.#nextOfCase.get({ caseId, now: this.#now() });
      if (!row) return;
      await this.#deliver(row, send, events);
    }
  }

  /** When the next message is due, if any. */
  /** Makes a case's waiting messages due now (e.g. what a held safety number kept back). */
  hurry(caseId: string): void {
    this.db.update(outbox).set({ nextAttemptAt: this.#now() }).where(and(eq(outbox.caseId, caseId), eq(outbox.state, "pending"))).run();
  }

  nextDue(): number | undefined {
    return this.#nextDue.get()?.at;
  }

  async #deliver(row: typeof outbox.$inferSelect, send: Send, events: OutboxEvents): Promise<void> {
    const contactId = this.#contactOf(row.caseId);
    // Its case is gone (the rows go with it; this one was read just before): nothing to deliver.
    if (!contactId) return void this.#drop.run({ id: row.id });
    const payload = this.vault.open<RelayPayload>(contactId, row.payload, place(row.caseId, row.id));
    const drop = () => this.#drop.run({ id: row.id });
    if (row.deadlineAt < this.#now()) {
      drop();
      return await events.failed(row.caseId, payload, "deadline");
    }
    this.#mark.run({ id: row.id });
    try {
      await send(payload);
      drop();
    } catch (error) {
      if (!(error instanceof RelayFailure) || error.kind === "retry") {
        const delay = Math.max(100, error instanceof RelayFailure && error.retryAfterMs !== undefined
          ? error.retryAfterMs
          : this.options.backoffMs * 2 ** Math.min(row.attempts, 10));
        this.#retry.run({ id: row.id, at: this.#now() + delay });
        return;
      }
      drop();
      await events.failed(row.caseId, payload, error.kind);
    }
  }

}
