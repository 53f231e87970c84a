// Load on `keyward serve`: signed leak reports at a fixed rate, one distinct token per request (half live
// keys, half unknown look-alikes), for a fixed time. Reports p50/p99 latency, and checks afterwards that
// every live token was revoked exactly once with the audit chain intact.
import { spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, Issuer, SqliteKeyStore } from '../dist/issuer/index.js';
import { publicKeyIdentifier } from '../dist/verify/leak-report.js';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const TOTAL = RATE * SECONDS;

const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-server-'));
const db = join(dir, 'keys.db');
try {
  const issuer = await Issuer.init(new SqliteKeyStore(db, { create: true }), { prefix: 'acme_live_' });
  const tokens = [];
  for (let i = 0; i < TOTAL; i++) tokens.push(i % 2 === 0 ? (await issuer.create()).key : generateKey(issuer.format).key);
  await issuer.close();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const identifier = publicKeyIdentifier(publicKey);
  const keysFile = join(dir, 'public-keys.json');
  writeFileSync(keysFile, JSON.stringify({ public_keys: [{ key_identifier: identifier, key: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }), is_current: true }] }));
  const child = spawn(process.execPath, ['bin/keyward.js', 'serve', '--db', db, '--public-keys', keysFile, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const base = await new Promise((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (chunk) => {
      text += chunk;
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  // Sign ahead of time: the load generator must not be the bottleneck on two cores.
  const requests = tokens.map((token) => {
    const body = Buffer.from(JSON.stringify([{ token, type: 'acme_live_api_key', url: 'https://example.test/leak', source: 'content' }]));
    return { body, signature: sign('sha256', body, { key: privateKey, dsaEncoding: 'der' }).toString('base64') };
  });
  const latencies = [];
  let failures = 0;
  const started = performance.now();
  const inFlight = [];
  for (let i = 0; i < TOTAL; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const { body, signature } = requests[i];
    const t0 = performance.now();
    inFlight.push(
      fetch(`${base}/v1/leaks`, { method: 'POST', headers: { 'content-type': 'application/json', 'github-public-key-identifier': identifier, 'github-public-key-signature': signature }, body })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status !== 200) failures++;
          latencies.push(performance.now() - t0);
        })
        .catch(() => failures++),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));

  const check = await Issuer.open(new SqliteKeyStore(db));
  const events = await check.auditLog();
  const revokedIds = events.filter((event) => event.type === 'key.revoked').map((event) => event.keyId);
  const audit = await check.verifyAudit();
  await check.close();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  console.log(`requests:   ${TOTAL} at ${RATE}/s target, done in ${elapsed.toFixed(1)} s (${(TOTAL / elapsed).toFixed(0)}/s), non-2xx ${failures}`);
  console.log(`latency:    p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${latencies.at(-1).toFixed(1)} ms`);
  console.log(`revoked:    ${revokedIds.length} of ${Math.ceil(TOTAL / 2)} live tokens, ${new Set(revokedIds).size} distinct; audit chain ${audit.ok ? 'intact' : 'BROKEN'} (${audit.events} events)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
