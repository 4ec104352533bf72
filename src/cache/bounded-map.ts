/**
 * A Map that holds at most `limit` entries: setting a new key beyond that
 * drops the oldest one. For the caches on paths every update takes, which
 * must not grow with the number of people the bot has ever seen.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  /** `onEvict` sees each value the limit pushes out (to wipe a key, say). */
  constructor(readonly limit: number, private readonly onEvict?: (value: V) => void) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) {
      const [oldestKey, oldest] = this.entries().next().value!;
      super.delete(oldestKey);
      this.onEvict?.(oldest);
    }
    return super.set(key, value);
  }
}
