// In-process key verification against a SQLite store: throughput on one core, p50/p99 latency.
// Valid keys, keys with a valid checksum that were never issued, and broken look-alikes, interleaved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, Issuer, SqliteKeyStore } from '../dist/issuer/index.js';

const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);
const VERIFICATIONS = Number(process.env.BENCH_VERIFICATIONS ?? 300_000);
const TARGET_PER_SECOND = 50_000;

const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-issuer-'));
try {
  const issuer = await Issuer.init(new SqliteKeyStore(join(dir, 'keys.db'), { create: true }), { prefix: 'acme_live_' });
  const created = Date.now();
  const valid = [];
  for (let i = 0; i < KEYS; i++) valid.push((await issuer.create({ scopes: ['read'] })).key);
  const createMs = Date.now() - created;
  const unknown = Array.from({ length: 1000 }, () => generateKey(issuer.format).key);
  const broken = valid.slice(0, 1000).map((key) => key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'));
  const inputs = [];
  for (let i = 0; i < VERIFICATIONS; i++) {
    const pick = i % 4;
    inputs.push(pick < 2 ? valid[i % valid.length] : pick === 2 ? unknown[i % unknown.length] : broken[i % broken.length]);
  }
  for (let i = 0; i < 20_000; i++) await issuer.verify(inputs[i]); // warm-up (JIT, page cache)

  const latencies = new Float64Array(VERIFICATIONS);
  let accepted = 0;
  const memoryBefore = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  for (let i = 0; i < VERIFICATIONS; i++) {
    const t0 = process.hrtime.bigint();
    const result = await issuer.verify(inputs[i], { scope: 'read' });
    latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
    if (result.ok) accepted++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await issuer.close();
  latencies.sort();
  const perSecond = VERIFICATIONS / seconds;
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  console.log(`keys issued:        ${KEYS} in ${createMs} ms (${((KEYS / createMs) * 1000).toFixed(0)}/s, each with its audit event)`);
  console.log(`verifications:      ${VERIFICATIONS} (50% valid, 25% unknown, 25% broken checksum); accepted ${accepted}`);
  console.log(`throughput:         ${perSecond.toFixed(0)} verifications/s on one core (target ${TARGET_PER_SECOND}: ${(perSecond / TARGET_PER_SECOND).toFixed(2)}x)`);
  console.log(`latency:            p50 ${at(0.5)} µs, p99 ${at(0.99)} µs, max ${latencies.at(-1).toFixed(1)} µs`);
  console.log(`peak RSS:           ${(Math.max(memoryBefore, process.memoryUsage().rss) / 1048576).toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
