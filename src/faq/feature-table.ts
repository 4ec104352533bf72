/**
 * Feature hash → feature number, for the hashes `features.ts` makes (30-bit,
 * non-negative). Open addressing over two typed arrays: a lookup is a few
 * array reads, several times cheaper than a `Map`, and it runs ~150 times a message.
 */
export class FeatureTable {
  #keys: Int32Array = new Int32Array(1024).fill(-1);
  #values: Int32Array = new Int32Array(1024);
  #mask = 1023;
  /** Top bits of the product pick the slot: the low bits of a product mix nothing. */
  #shift = 22;
  #size = 0;

  /** The number of `hash`, or -1. */
  get(hash: number): number {
    for (let i = (Math.imul(hash, 0x9e3779b1) >>> this.#shift); ; i = (i + 1) & this.#mask) {
      const key = this.#keys[i]!;
      if (key === hash) return this.#values[i]!;
      if (key === -1) return -1;
    }
  }

  /** Numbers `hash` if new; returns its number. */
  add(hash: number, next: number): number {
    if (2 * (this.#size + 1) > this.#keys.length) this.#resize();
    for (let i = (Math.imul(hash, 0x9e3779b1) >>> this.#shift); ; i = (i + 1) & this.#mask) {
      const key = this.#keys[i]!;
      if (key === hash) return this.#values[i]!;
      if (key === -1) {
        this.#keys[i] = hash;
        this.#values[i] = next;
        this.#size++;
        return next;
      }
    }
  }

  #resize(): void {
    const keys = this.#keys;
    const values = this.#values;
    this.#keys = new Int32Array(keys.length * 2).fill(-1);
    this.#values = new Int32Array(keys.length * 2);
    this.#mask = keys.length * 2 - 1;
    this.#shift--;
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) this.add(keys[i]!, values[i]!);
  }

  /** Its arrays, for a packed model (see `packed.ts`). */
  parts(): { keys: Int32Array; values: Int32Array } {
    return { keys: this.#keys, values: this.#values };
  }

  static fromParts(keys: Int32Array, values: Int32Array): FeatureTable {
    const table = new FeatureTable();
    table.#keys = keys;
    table.#values = values;
    table.#mask = keys.length - 1;
    table.#shift = 32 - Math.log2(keys.length);
    // An index loop: `for…of` over a typed array this size made megabytes of iterator results.
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) table.#size++;
    return table;
  }
}
