import type { Broadcasts, Outcome, Settlement } from "./broadcasts.js";

/**
 * The deliveries of one job on one lane that the database holds as
 * "sending": claimed and not yet sent, in flight, or finished and waiting
 * for the next write. Claims and settlements are written together, a batch
 * per transaction, and a claim never takes more than the slots a write frees:
 *
 * - at every commit at most `slots` rows are "sending", so a crash leaves at
 *   most `slots` ambiguous;
 * - a row is "sending" (committed) before its message is handed over, and
 *   stays so until its outcome is committed, so every message a crash leaves
 *   unrecorded is among the ambiguous ones: duplicates ≤ ambiguous;
 * - rows are only ever claimed from "pending", so nobody is missed.
 */
export class Claims {
  #held = 0;
  #settled: Settlement[] = [];
  readonly #inFlight = new Set<Promise<void>>();

  constructor(private readonly broadcasts: Broadcasts, private readonly jobId: number, private readonly slots: number) {}

  /** How many could be claimed by the next write. */
  get free(): number {
    return this.slots - this.#held + this.#settled.length;
  }

  /**
   * Writes, in one transaction, what finished, `direct` outcomes of rows that
   * were never claimed, and claims of up to `free` of `ids`. Returns those
   * claimed (a row erased meanwhile is not).
   */
  commit(ids: readonly string[] = [], direct: readonly Settlement[] = []): string[] {
    const wanted = ids.slice(0, Math.max(0, this.free));
    const settled = this.#settled;
    const claimed = this.broadcasts.step(this.jobId, settled.length === 0 ? direct : [...settled, ...direct], wanted);
    this.#held += claimed.length - settled.length;
    this.#settled = [];
    return claimed;
  }

  /** A claimed delivery's outcome, written with the next commit; until then its row stays "sending". */
  settle(contactId: string, outcome: Outcome): void {
    this.#settled.push({ contactId, outcome });
  }

  track(send: Promise<void>): void {
    this.#inFlight.add(send);
    const done = () => void this.#inFlight.delete(send);
    send.then(done, done);
  }

  /** Resolves when a send in flight ends (at once if none is). */
  async anyDone(): Promise<void> {
    if (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
    // Answers read in the same turn of the event loop end too, and share the write.
    await new Promise(setImmediate);
  }

  /** Waits up to `ms` for the sends in flight to end, so that their outcomes share the next write. */
  async settling(ms: number): Promise<void> {
    if (this.#inFlight.size === 0 || ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.#inFlight), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Waits for every send in flight and writes all outcomes. */
  async drain(): Promise<void> {
    await Promise.all(this.#inFlight);
    this.commit();
  }
}
