import { BoundedMap } from "../cache/bounded-map.js";
import type { Address, Contacts } from "../contacts/contacts.js";
import { RelayFailure } from "../relay/outbox.js";
import type { Broadcast, Broadcasts, Progress } from "./broadcasts.js";

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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Paces sends to a rate, the way messengers count it: never more than
 * `perSecond` in any second. The schedule is kept rather than restarted from
 * "now", so coarse timers average out, and a stall (up to `lag`) is made
 * up; the window check keeps the making-up under the limit.
 */
class Pacer {
  #next = 0;
  readonly #window: number[];
  #oldest = 0;

  constructor(perSecond: number, private readonly now: () => number, private readonly lag = 250) {
    this.interval = 1000 / perSecond;
    this.#window = new Array<number>(Math.max(1, Math.floor(perSecond))).fill(-Infinity);
  }

  private readonly interval: number;

  async wait(): Promise<void> {
    let now = this.now();
    if (this.#next < now - this.lag) this.#next = now - this.lag;
    // The send `perSecond` sends ago must be a full second back.
    const at = Math.max(this.#next, this.#window[this.#oldest]! + 1000);
    this.#next = Math.max(this.#next, at) + this.interval;
    if (at - now > 1) {
      await sleep(at - now);
      now = this.now();
    }
    this.#window[this.#oldest] = Math.max(now, at);
    this.#oldest = (this.#oldest + 1) % this.#window.length;
  }

  pauseUntil(time: number): void {
    this.#next = Math.max(this.#next, time);
  }
}

/**
 * Sends broadcast jobs, one lane per messenger, each paced to its rate with
 * a few sends in flight. Every delivery is marked "sending" just before it
 * goes and settled right after, so a crash leaves at most `slots` per lane
 * in doubt. Interactive traffic is not paced here and keeps flowing.
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

  async #lane(messenger: string): Promise<void> {
    const rate = this.options.rates[messenger] ?? this.options.defaultRate;
    // 1% under the limit: the messenger counts arrivals, a little after our sends.
    const pacer = new Pacer(rate * 0.99, this.#now);
    const inFlight = new Set<Promise<void>>();
    let lastReport = 0;
    let sentSinceReport = 0;

    while (this.#running) {
      const job = this.broadcasts.running().find((j) => this.broadcasts.messengersLeft(j.id).includes(messenger));
      if (!job) {
        await this.#idle(500);
        continue;
      }
      let cursorEmpty = true;
      let checkedAt = 0;
      for (const due of this.#due(job.id, messenger)) {
        cursorEmpty = false;
        if (!this.#running) break;
        // A cancel (from any process) is seen within 100 ms.
        if (this.#now() - checkedAt > 100) {
          if (this.broadcasts.get(job.id)?.status !== "running") break;
          checkedAt = this.#now();
        }
        while (inFlight.size >= this.options.slots) await Promise.race(inFlight);
        await pacer.wait();
        const contact = this.contacts.byId(due);
        if (!contact) {
          this.broadcasts.settle(job.id, due, "failed");
          continue;
        }
        const chatKey = `${contact.address.messenger}:${contact.address.chatId}`;
        const last = this.#lastToChat.get(chatKey) ?? 0;
        if (this.#now() - last < this.options.perChatMs) {
          this.broadcasts.settle(job.id, due, { retryAt: last + this.options.perChatMs });
          continue;
        }
        this.broadcasts.markSending(job.id, due);
        this.#lastToChat.set(chatKey, this.#now());
        const task = this.events.send(contact.address, this.events.render(job, contact.language))
          .then(() => {
            this.broadcasts.settle(job.id, due, "sent");
            sentSinceReport++;
          })
          .catch((error: unknown) => {
            if (error instanceof RelayFailure && error.kind === "unreachable") {
              this.broadcasts.settle(job.id, due, "failed");
              this.events.unreachable(due);
            } else if (error instanceof RelayFailure && error.kind === "rejected") {
              this.broadcasts.settle(job.id, due, "failed");
            } else {
              const wait = error instanceof RelayFailure && error.retryAfterMs !== undefined ? error.retryAfterMs : 2000;
              pacer.pauseUntil(this.#now() + wait);
              this.broadcasts.settle(job.id, due, { retryAt: this.#now() + wait });
            }
          })
          .finally(() => inFlight.delete(task));
        inFlight.add(task);

        if (this.#now() - lastReport >= this.options.progressMs) {
          const elapsed = Math.max(1, this.#now() - lastReport);
          const currentRate = lastReport === 0 ? rate : (sentSinceReport * 1000) / elapsed;
          lastReport = this.#now();
          sentSinceReport = 0;
          void this.events.progress(job, this.broadcasts.progress(job.id), currentRate, false);
        }
      }
      await Promise.all(inFlight);
      const fresh = this.broadcasts.get(job.id);
      if (fresh?.status === "running" && this.broadcasts.messengersLeft(job.id).length === 0) {
        this.broadcasts.finish(job.id);
        await this.events.progress(this.broadcasts.get(job.id)!, this.broadcasts.progress(job.id), rate, true);
      } else if (fresh?.status === "cancelled") {
        this.broadcasts.compact(job.id);
      } else if (cursorEmpty) {
        // (A cancel is reported by /cancelbroadcast itself, once.)
        // Only retries waiting for their time are left.
        await this.#idle(200);
      }
    }
  }

  /** Pending deliveries that are due, in order, read in pages so that new ones and retries are seen. */
  *#due(jobId: number, messenger: string): Generator<string> {
    let after = -1;
    for (;;) {
      const page = this.broadcasts.duePage(jobId, messenger, after, 256);
      if (page.length === 0) return;
      for (const row of page) {
        after = row.seq;
        yield row.contactId;
      }
    }
  }
}
