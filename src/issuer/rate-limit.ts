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
    return this.takeUpTo(name, 1, limit, now) === 1;
  }

  /** Takes as many of `count` tokens as there are whole ones; answers how many it took. */
  takeUpTo(name: string, count: number, limit: number, now: number): number {
    const bucket = this.#refilled(name, limit, now);
    const taken = Math.max(0, Math.min(count, Math.floor(bucket.tokens)));
    bucket.tokens -= taken;
    return taken;
  }

  /** Milliseconds until `count` tokens (at most `limit`) will be there. */
  msUntil(name: string, count: number, limit: number, now: number): number {
    const bucket = this.#refilled(name, limit, now);
    const missing = Math.min(count, limit) - bucket.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing * 60_000) / limit);
  }

  #refilled(name: string, limit: number, now: number): { tokens: number; at: number } {
    let bucket = this.#buckets.get(name);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxNames) this.#sweep(now);
      bucket = { tokens: limit, at: now };
      this.#buckets.set(name, bucket);
    }
    bucket.tokens = Math.min(limit, bucket.tokens + (Math.max(0, now - bucket.at) * limit) / 60_000);
    bucket.at = now;
    return bucket;
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
