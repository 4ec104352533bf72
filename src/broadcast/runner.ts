import { BoundedMap } from "../cache/bounded-map.js";
import type { Address, Contact, Contacts } from "../contacts/contacts.js";
import { RelayFailure } from "../relay/outbox.js";
import type { Broadcast, Broadcasts, Progress, Settlement } from "./broadcasts.js";
import { Claims } from "./claims.js";

export interface RunnerOptions {
  /** Messages per second per messenger; unknown messengers use `defaultRate`. */
  rates: Record<string, number>;
  defaultRate: number;
  /** Sends under way at once per messenger; also the most that can be ambiguous after a crash. */
  slots: number;
  /** At most one message per chat per this many ms (Telegram: 1 per second). */
  perChatMs: number;
  /** How often the admin's progress report is refreshed. */
  progressMs: number;
  now?: () => number;
}

export interface RunnerEvents {
  /** Renders what one recipient gets. */
  render(job: Broadcast, language: string): string;
  send(to: Address, text: string): Promise<void>;
  progress(job: Broadcast, progress: Progress, rate: number, final: boolean): void | Promise<void>;
  /** The messenger says this person is gone: their subscription ends. */
  unreachable(contactId: string): void;
}

/** A due delivery and its recipient (undefined when gone or failing its check). */
interface Due {
  contactId: string;
  seq: number;
  contact: Contact | undefined;
}

/** Sends since the admin's progress report was last refreshed, and the counts of the job being sent. */
interface Report {
  at: number;
  sent: number;
  tally?: Progress;
}

const chatKey = (address: Address) => `${address.messenger}:${address.chatId}`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** How late a lane's pacer may wake: about the time its slots take to send, at most 10 ms. */
export const pacingGrain = (rate: number, slots: number): number => Math.min(10, ((slots - 1) * 1000) / rate);

/**
 * Paces sends to a rate, the way messengers count it: never more than
 * `perSecond` in any second. The schedule is kept rather than restarted from
 * "now", so coarse timers average out, and a stall (up to `lag`) is made
 * up; the window check keeps the making-up under the limit. A wait that
 * sleeps sleeps `grain` ms past its time, so the sends that fall due
 * meanwhile go out together on one wake-up (each wake-up costs CPU): late,
 * never early, so the limit holds.
 */
export class Pacer {
  #next = 0;
  readonly #window: number[];
  #oldest = 0;

  constructor(perSecond: number, private readonly now: () => number, readonly grain = 0, private readonly lag = 250) {
    this.interval = 1000 / perSecond;
    this.#window = new Array<number>(Math.max(1, Math.floor(perSecond))).fill(-Infinity);
  }

  private readonly interval: number;

  /** When the next send may go: on schedule, and a full second after the send `perSecond` sends ago. */
  #due(now: number): number {
    return Math.max(this.#next, now - this.lag, this.#window[this.#oldest]! + 1000);
  }

  /** Resolves once the next send may go, without taking it: a lane writes its batch then, with every answer that came meanwhile. */
  async ready(): Promise<void> {
    const now = this.now();
    const at = this.#due(now);
    if (at > now) await sleep(at - now + this.grain);
  }

  async wait(): Promise<void> {
    let now = this.now();
    const at = this.#due(now);
    this.#next = at + this.interval;
    // Again if woken early: a timer counts from the event loop's clock, read a little before it was set.
    while (at > now) {
      await sleep(at - now + this.grain);
      now = this.now();
    }
    this.#window[this.#oldest] = now;
    this.#oldest = (this.#oldest + 1) % this.#window.length;
  }

  pauseUntil(time: number): void {
    this.#next = Math.max(this.#next, time);
  }
}

/**
 * Sends broadcast jobs, one lane per messenger, each paced to its rate with
 * a few sends in flight. Every delivery is marked "sending" (committed)
 * before it goes and settled after, both written in batches, so a crash
 * leaves at most `slots` per lane in doubt. Interactive traffic is not paced
 * here and keeps flowing.
 */
export class BroadcastRunner {
  readonly #now: () => number;
  #running = false;
  #lanes = new Map<string, Promise<void>>();
  /** When each chat last got a broadcast; only the last `perChatMs` matter. */
  #lastToChat = new BoundedMap<string, number>(10_000);
  /** Idle lanes waiting to be woken by `kick`. */
  readonly #sleepers = new Set<() => void>();

  constructor(
    private readonly broadcasts: Broadcasts,
    private readonly contacts: Contacts,
    private readonly events: RunnerEvents,
    private readonly options: RunnerOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  start(messengers: string[]): void {
    if (this.#running) return;
    this.#running = true;
    for (const messenger of messengers) this.#lanes.set(messenger, this.#lane(messenger));
  }

  /** Wakes idle lanes, e.g. after a job was confirmed. */
  kick(): void {
    for (const wake of this.#sleepers) wake();
    this.#sleepers.clear();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.kick();
    await Promise.all(this.#lanes.values());
    this.#lanes.clear();
  }

  async #idle(ms: number): Promise<void> {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    this.#sleepers.add(wake);
    try {
      await Promise.race([sleep(ms), woken]);
    } finally {
      this.#sleepers.delete(wake);
    }
  }

  /**
   * A running job's counts: read from the database once, then kept up to date
   * as sends settle. Counting every delivery row for each progress report held
   * up the sends of a large job (tens of ms every few seconds).
   */
  readonly #tallies = new Map<number, Progress>();

  #tally(jobId: number): Progress {
    let tally = this.#tallies.get(jobId);
    if (!tally) this.#tallies.set(jobId, (tally = this.broadcasts.progress(jobId)));
    return tally;
  }

  async #lane(messenger: string): Promise<void> {
    const rate = this.options.rates[messenger] ?? this.options.defaultRate;
    // 1% under the limit: the messenger counts arrivals, a little after our sends.
    const pacer = new Pacer(rate * 0.99, this.#now, pacingGrain(rate, this.options.slots));
    const report: Report = { at: 0, sent: 0 };

    while (this.#running) {
      const job = this.broadcasts.running().find((j) => this.broadcasts.messengersLeft(j.id).includes(messenger));
      if (!job) {
        await this.#idle(500);
        continue;
      }
      const found = await this.#pass(job, messenger, rate, pacer, report);
      const fresh = this.broadcasts.get(job.id);
      if (fresh?.status !== "running") this.#tallies.delete(job.id);
      if (fresh?.status === "running" && this.broadcasts.messengersLeft(job.id).length === 0) {
        this.#tallies.delete(job.id);
        this.broadcasts.finish(job.id);
        await this.events.progress(this.broadcasts.get(job.id)!, this.broadcasts.progress(job.id), rate, true);
      } else if (fresh?.status === "cancelled") {
        this.broadcasts.compact(job.id);
      } else if (!found) {
        // (A cancel is reported by /cancelbroadcast itself, once.)
        // Only retries waiting for their time are left.
        await this.#idle(200);
      }
    }
  }

  /**
   * Sends a job's due deliveries on one lane, in order: read a page at a
   * time with their recipients, claimed at most about 100 ms of sends per
   * write (see `Claims`). Returns whether any was due.
   */
  async #pass(job: Broadcast, messenger: string, rate: number, pacer: Pacer, report: Report): Promise<boolean> {
    report.tally = this.#tally(job.id);
    const { slots, perChatMs } = this.options;
    // About 100 ms of sends: a page's read and decryption holds up the answers to sends in flight.
    const batch = Math.max(1, Math.ceil(rate / 10));
    const pageSize = Math.min(256, Math.max(slots, batch));
    const claims = new Claims(this.broadcasts, job.id, slots);
    // The text per language: the job's texts are fixed.
    const texts = new Map<string, string>();
    let page: Due[] = [];
    let next = 0;
    let found = false;
    let checkedAt = 0;
    let cancelled = false;
    try {
      while (this.#running) {
        if (next === page.length) {
          page = this.#page(job.id, messenger, page.at(-1)?.seq ?? -1, pageSize);
          next = 0;
          if (page.length === 0) break;
          found = true;
        }
        if (claims.free === 0) {
          await claims.anyDone();
          continue;
        }
        await pacer.ready();
        // Late by at most the pacer's grain: the answers on their way are written with this batch, not the next.
        await claims.settling(pacer.grain);
        const take: Due[] = [];
        const direct: Settlement[] = [];
        const now = this.#now();
        while (next < page.length && take.length < Math.min(claims.free, batch)) {
          const due = page[next++]!;
          const last = due.contact && this.#lastToChat.get(chatKey(due.contact.address));
          if (!due.contact) direct.push({ contactId: due.contactId, outcome: "failed" });
          else if (last !== undefined && now - last < perChatMs) direct.push({ contactId: due.contactId, outcome: { retryAt: last + perChatMs } });
          else take.push(due);
        }
        const claimed = new Set(claims.commit(take.map((d) => d.contactId), direct));
        for (const [i, due] of take.entries()) {
          if (!claimed.has(due.contactId)) continue;
          await pacer.wait();
          // A stop, or a cancel (from any process, seen within 100 ms), hands back the claims not yet sent.
          if (this.#now() - checkedAt > 100) {
            cancelled = this.broadcasts.get(job.id)?.status !== "running";
            checkedAt = this.#now();
          }
          if (!this.#running || cancelled) {
            for (const rest of take.slice(i)) if (claimed.has(rest.contactId)) claims.settle(rest.contactId, "unsent");
            return found;
          }
          const contact = due.contact!;
          this.#lastToChat.set(chatKey(contact.address), this.#now());
          let text = texts.get(contact.language);
          if (text === undefined) texts.set(contact.language, (text = this.events.render(job, contact.language)));
          claims.track(this.#send(claims, pacer, due.contactId, contact.address, text, report));
          this.#report(job, rate, report);
        }
      }
      return found;
    } finally {
      await claims.drain();
    }
  }

  /** One send; its outcome goes to `claims`, to be written with the next claim. */
  #send(claims: Claims, pacer: Pacer, contactId: string, to: Address, text: string, report: Report): Promise<void> {
    const tally = report.tally;
    const settled = (outcome: "sent" | "failed") => {
      if (tally) {
        tally[outcome]++;
        tally.pending--;
      }
    };
    return this.events.send(to, text).then(() => {
      claims.settle(contactId, "sent");
      settled("sent");
      report.sent++;
    }, (error: unknown) => {
      if (error instanceof RelayFailure && error.kind === "unreachable") {
        claims.settle(contactId, "failed");
        settled("failed");
        this.events.unreachable(contactId);
      } else if (error instanceof RelayFailure && error.kind === "rejected") {
        claims.settle(contactId, "failed");
        settled("failed");
      } else {
        const wait = error instanceof RelayFailure && error.retryAfterMs !== undefined ? error.retryAfterMs : 2000;
        pacer.pauseUntil(this.#now() + wait);
        claims.settle(contactId, { retryAt: this.#now() + wait });
      }
    });
  }

  #report(job: Broadcast, rate: number, report: Report): void {
    if (this.#now() - report.at < this.options.progressMs) return;
    const elapsed = Math.max(1, this.#now() - report.at);
    const currentRate = report.at === 0 ? rate : (report.sent * 1000) / elapsed;
    report.at = this.#now();
    report.sent = 0;
    void this.events.progress(job, { ...this.#tally(job.id) }, currentRate, false);
  }

  /** Due deliveries after `afterSeq`, in order, with their recipients read in one go. */
  #page(jobId: number, messenger: string, afterSeq: number, limit: number): Due[] {
    const rows = this.broadcasts.duePage(jobId, messenger, afterSeq, limit);
    const people = this.contacts.byIds(rows.map((r) => r.contactId));
    return rows.map((r) => ({ ...r, contact: people.get(r.contactId) }));
  }
}
