import { createHmac, randomBytes } from 'node:crypto';

/** The settings name under which a store keeps its decoy secret (created by `keys init`, or on first lookup). */
export const RANGE_SECRET_SETTING = 'range_secret';

/** Every answer holds this many suffixes or more, real and decoy together; the count is drawn per prefix. */
export const RANGE_MIN_ENTRIES = 16;
/** Counts are uniform over [RANGE_MIN_ENTRIES, RANGE_MIN_ENTRIES + RANGE_COUNT_SPREAD). */
export const RANGE_COUNT_SPREAD = 32;

export interface RangeEntry {
  suffix: string;
  status: 'live' | 'revoked';
}

export function newRangeSecret(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Pads one bucket of a k-anonymity answer. Everything added comes from an HMAC under a secret only the server
 * holds, keyed by the prefix alone: decoys are as random as real SHA-256 suffixes to anyone without the
 * secret, an empty bucket looks like a full one, and the same prefix always gets the same answer, so asking
 * again (or after a key is added elsewhere in the hash space) separates nothing. The total is drawn per
 * prefix from a fixed distribution, independent of how many real entries the bucket holds, unless a bucket
 * outgrows it (only stores of tens of millions of keys), where it is the real count rounded up to 16.
 */
export function padRange(secret: string, prefix: string, real: readonly RangeEntry[]): RangeEntry[] {
  const key = Buffer.from(secret, 'hex');
  const draw = createHmac('sha256', key).update(`keyward/range/v2/count\0${prefix}`).digest().readUInt32BE(0);
  let size = RANGE_MIN_ENTRIES + (draw % RANGE_COUNT_SPREAD);
  if (real.length > size) size = Math.ceil((real.length + 1) / RANGE_MIN_ENTRIES) * RANGE_MIN_ENTRIES;
  const entries = [...real];
  const taken = new Set(real.map((entry) => entry.suffix));
  for (let index = 0; entries.length < size; index++) {
    const digest = createHmac('sha256', key).update(`keyward/range/v2/decoy\0${prefix}\0${index}`).digest();
    const suffix = digest.toString('hex').slice(5);
    if (taken.has(suffix)) continue;
    // The status bit comes from bytes that do not show in the suffix.
    entries.push({ suffix, status: (createHmac('sha256', key).update(`keyward/range/v2/status\0${prefix}\0${index}`).digest()[0]! & 1) === 0 ? 'live' : 'revoked' });
  }
  return entries.sort((a, b) => (a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0));
}
