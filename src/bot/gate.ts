/**
 * Lets at most `limit` tasks run at once; the others wait their turn, first
 * come first served. The transports that feed the application updates
 * themselves (Signal, the console, the memory transport) pass each one through
 * a gate, as grammY's runner bounds Telegram's: a burst of a thousand people
 * is then handled fifty at a time instead of all at once, each in flight
 * keeping its data alive only until it is answered.
 */
export class Gate {
  #running = 0;
  #waiting: (() => void)[] = [];
  /** Where the next waiter is in `#waiting` (shifting a long array would copy it each time). */
  #head = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError("a gate needs a limit of at least 1");
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a place. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.limit) this.#running++;
    // The place is handed over by the task that ends, so `#running` stays as it is.
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      this.#leave();
    }
  }

  #leave(): void {
    if (this.#head === this.#waiting.length) {
      this.#running--;
      return;
    }
    const next = this.#waiting[this.#head++]!;
    // Those let in are dropped from the front now and then, so that a queue that never empties does not keep them all.
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    next();
  }
}
