import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Issuer, SqliteKeyStore } from '../../src/issuer/index.js';
import { RANGE_COUNT_SPREAD, RANGE_MIN_ENTRIES } from '../../src/issuer/range.js';
import { createLeakServer } from '../../src/server/app.js';
import { publicKeysFromFile } from '../../src/server/public-keys.js';
import { tempDir } from '../helpers.js';
import { makeReporter, writePublicKeys } from './util.js';

const dir = tempDir('keyward-range-');
const KEYS = 400;
let issuer: Issuer;
let server: ReturnType<typeof createLeakServer>;
let base: string;
const hashes: string[] = [];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Entry {
  suffix: string;
  status: string;
}

beforeAll(async () => {
  issuer = await Issuer.init(new SqliteKeyStore(join(dir, 'keys.db'), { create: true }), { prefix: 'acme_live_' });
  for (let i = 0; i < KEYS; i++) hashes.push(sha256((await issuer.create()).key));
  server = createLeakServer({ issuer, publicKeys: publicKeysFromFile(writePublicKeys(dir, [makeReporter()])), log: () => undefined, rangeLookupsPerMinute: 100_000 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await issuer.close();
});

async function range(prefix: string): Promise<Entry[]> {
  const response = await fetch(`${base}/v1/hashes/range/${prefix}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { entries: Entry[] }).entries;
}

/**
 * The decoys the server used to send: SHA-256 chains seeded from the bucket's real suffixes. Anyone could
 * try each entry as "the real one", regenerate, and see whether the rest matches.
 */
function seededFromReal(prefix: string, realSuffixes: string[], size: number): string[] {
  const seed = createHash('sha256').update(`keyward/range/v1\0${prefix}\0${realSuffixes.join(',')}`).digest();
  const out: string[] = [];
  for (let i = 0; out.length < size - realSuffixes.length; i++) out.push(createHash('sha256').update(seed).update(String(i)).digest('hex').slice(5));
  return out;
}

/** Features a client without the server's secret could compute from an entry and its answer. */
const FEATURES: Record<string, (entry: Entry, answer: Entry[], prefix: string) => number> = {
  'leading value': (entry) => parseInt(entry.suffix.slice(0, 12), 16),
  'decimal digits': (entry) => entry.suffix.replace(/[a-f]/g, '').length,
  'digit sum': (entry) => [...entry.suffix].reduce((sum, char) => sum + parseInt(char, 16), 0),
  'rank in the answer': (entry, answer) => answer.indexOf(entry) / answer.length,
  'regenerates the others': (entry, answer, prefix) => {
    const others = answer.filter((other) => other !== entry).map((other) => other.suffix);
    const regenerated = new Set(seededFromReal(prefix, [entry.suffix], answer.length));
    return others.filter((suffix) => regenerated.has(suffix)).length;
  },
};

describe('range-lookup decoys (k-anonymity)', () => {
  it('cannot be told from real entries better than chance by a client without the secret', async () => {
    // One pair per bucket: its real entry and a decoy from the same answer. Each classifier learns which
    // way its feature points on the first half and is scored on the second; chance is 50 %.
    const pairs: { real: Entry; decoy: Entry; answer: Entry[]; prefix: string }[] = [];
    for (const [index, hash] of hashes.entries()) {
      const prefix = hash.slice(0, 5);
      const answer = await range(prefix);
      const real = answer.find((entry) => entry.suffix === hash.slice(5));
      expect(real, 'the real entry is in its answer').toBeDefined();
      const decoys = answer.filter((entry) => !hashes.includes(prefix + entry.suffix));
      pairs.push({ real: real!, decoy: decoys[index % decoys.length]!, answer, prefix });
    }
    const train = pairs.slice(0, KEYS / 2);
    const test = pairs.slice(KEYS / 2);
    for (const [name, feature] of Object.entries(FEATURES)) {
      const direction = Math.sign(train.reduce((sum, pair) => sum + feature(pair.real, pair.answer, pair.prefix) - feature(pair.decoy, pair.answer, pair.prefix), 0)) || 1;
      let right = 0;
      for (const pair of test) {
        const real = direction * feature(pair.real, pair.answer, pair.prefix);
        const decoy = direction * feature(pair.decoy, pair.answer, pair.prefix);
        right += real > decoy ? 1 : real === decoy ? 0.5 : 0;
      }
      // 200 fair coin flips: 50 % ± 14 % is four standard deviations.
      const accuracy = right / test.length;
      expect(accuracy, `classifier "${name}" scored ${(accuracy * 100).toFixed(1)} %`).toBeGreaterThan(0.36);
      expect(accuracy, `classifier "${name}" scored ${(accuracy * 100).toFixed(1)} %`).toBeLessThan(0.64);
    }
  });

  it('pads empty buckets like full ones, to a per-prefix count that repeated questions agree on', async () => {
    const full = new Set(hashes.map((hash) => hash.slice(0, 5)));
    const emptySizes: number[] = [];
    const fullSizes: number[] = [];
    for (let i = 0; emptySizes.length < 200; i++) {
      const prefix = sha256(`empty-${i}`).slice(0, 5);
      if (full.has(prefix)) continue;
      const answer = await range(prefix);
      expect(await range(prefix)).toEqual(answer);
      expect(answer.every((entry) => /^[0-9a-f]{59}$/.test(entry.suffix) && (entry.status === 'live' || entry.status === 'revoked'))).toBe(true);
      emptySizes.push(answer.length);
    }
    for (const prefix of [...full].slice(0, 200)) fullSizes.push((await range(prefix)).length);
    for (const size of [...emptySizes, ...fullSizes]) {
      expect(size).toBeGreaterThanOrEqual(RANGE_MIN_ENTRIES);
      expect(size).toBeLessThan(RANGE_MIN_ENTRIES + RANGE_COUNT_SPREAD);
    }
    // Same distribution: the means of 200 draws each differ by less than four standard errors.
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const variance = (values: number[]) => values.reduce((sum, value) => sum + (value - mean(values)) ** 2, 0) / (values.length - 1);
    const standardError = Math.sqrt(variance(emptySizes) / emptySizes.length + variance(fullSizes) / fullSizes.length);
    expect(Math.abs(mean(emptySizes) - mean(fullSizes))).toBeLessThan(4 * standardError);
    // Not a constant either: the count itself is drawn per prefix.
    expect(new Set(emptySizes).size).toBeGreaterThan(10);
  });

  it('keeps an answer the same after keys are added elsewhere, and a fresh secret per store', async () => {
    const prefix = hashes[0]!.slice(0, 5);
    const before = await range(prefix);
    for (let i = 0; i < 20; i++) await issuer.create();
    const after = await range(prefix);
    // Unless a new key landed in this very bucket (one chance in 50,000), nothing moved.
    expect(after).toEqual(before);
    const other = await Issuer.init(new SqliteKeyStore(join(dir, 'other.db'), { create: true }), { prefix: 'acme_live_' });
    const otherAnswer = await other.rangeLookup(prefix);
    expect(otherAnswer.map((entry) => entry.suffix)).not.toEqual(before.filter((entry) => entry.suffix !== hashes[0]!.slice(5)).map((entry) => entry.suffix));
    await other.close();
  });
});

describe('POST /v1/hashes/ranges (batched lookups)', () => {
  it('answers many prefixes in one request, the same as one at a time', async () => {
    const prefixes = hashes.slice(0, 5).map((hash) => hash.slice(0, 5));
    const response = await fetch(`${base}/v1/hashes/ranges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prefixes }) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ranges: { prefix: string; entries: Entry[] }[]; deferred: string[] };
    expect(body.deferred).toEqual([]);
    for (const prefix of prefixes) expect(body.ranges.find((item) => item.prefix === prefix)?.entries).toEqual(await range(prefix));
    for (const bad of ['{"prefixes":[]}', '{"prefixes":["xyz12"]}', 'not json', JSON.stringify({ prefixes: Array.from({ length: 101 }, () => '00000') })]) {
      expect((await fetch(`${base}/v1/hashes/ranges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bad })).status, bad.slice(0, 30)).toBe(400);
    }
  });

  it('answers what the rate limit allows, defers the rest, and says when to come back', async () => {
    const limited = createLeakServer({ issuer, publicKeys: publicKeysFromFile(join(dir, 'public-keys.json')), log: () => undefined, rangeLookupsPerMinute: 6 });
    await new Promise<void>((resolve) => limited.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(limited.address() as AddressInfo).port}`;
    try {
      const prefixes = hashes.slice(0, 10).map((hash) => hash.slice(0, 5));
      const first = await fetch(`${url}/v1/hashes/ranges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prefixes }) });
      expect(first.status).toBe(200);
      const body = (await first.json()) as { ranges: unknown[]; deferred: string[] };
      expect(body.ranges).toHaveLength(6);
      expect(body.deferred).toEqual([...new Set(prefixes)].slice(6));
      // Four more at 6 a minute: 40 seconds.
      expect(Number(first.headers.get('retry-after'))).toBeGreaterThanOrEqual(39);
      expect(Number(first.headers.get('retry-after'))).toBeLessThanOrEqual(41);
      const second = await fetch(`${url}/v1/hashes/range/${prefixes[0]}`);
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(10);
      expect(limited.metrics.range_lookup).toBe(6);
      expect(limited.metrics.rate_limited).toBe(1);
    } finally {
      await new Promise((resolve) => limited.close(resolve));
    }
  });
});
