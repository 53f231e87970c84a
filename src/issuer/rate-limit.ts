/**
 * Token buckets per name (a key id, a client address, a reporter): `limit` per minute with bursts up to
 * `limit`, in memory, per process. Buckets refill by elapsed time, so an idle name costs one map entry;
 * the map is swept when it grows past `maxNames`, so a flood of distinct names cannot exhaust memory.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #maxNames: number;

  constructor(maxNames = 100_000) {
    this.#maxNames = maxNames;
  }

  take(name: string, limit: number, now: number): boolean {
    let bucket = this.#buckets.get(name);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxNames) this.#sweep(now);
      bucket = { tokens: limit, at: now };
      this.#buckets.set(name, bucket);
    }
    bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.at) * limit) / 60_000);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  forget(name: string): void {
    this.#buckets.delete(name);
  }

  /** Drops buckets idle for a minute (full again, so forgetting them changes nothing), else the oldest half. */
  #sweep(now: number): void {
    for (const [name, bucket] of this.#buckets) if (now - bucket.at >= 60_000) this.#buckets.delete(name);
    if (this.#buckets.size < this.#maxNames) return;
    let drop = Math.ceil(this.#buckets.size / 2);
    for (const name of this.#buckets.keys()) {
      if (drop-- <= 0) break;
      this.#buckets.delete(name);
    }
  }
}
