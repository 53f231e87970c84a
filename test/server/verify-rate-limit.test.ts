import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineKeyFormat, generateKey, hashKey, Issuer, SqliteKeyStore } from '../../src/issuer/index.js';
import { runCli, tempDir } from '../helpers.js';
import { makeReporter, startServe, writePublicKeys } from './util.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

interface JsonReport {
  findings: { secretSha256: string; verification: { status: string } }[];
}

/**
 * A folder with `count` keys of the issuer's format, each under a different 5-hex prefix: `issued` of them
 * are in the database (the last one revoked), the rest are well-formed keys it never issued.
 */
async function leakyTree(dir: string, count: number, issued: number): Promise<{ db: string; rule: string; tree: string; issuedHashes: Map<string, string> }> {
  const db = join(dir, 'keys.db');
  const issuer = await Issuer.init(new SqliteKeyStore(db, { create: true }), { prefix: 'acme_live_' });
  const keys: string[] = [];
  const issuedHashes = new Map<string, string>();
  for (let i = 0; i < issued; i++) {
    const { key, record } = await issuer.create();
    const revoked = i === issued - 1;
    if (revoked) await issuer.revoke(record.id);
    keys.push(key);
    issuedHashes.set(hashKey(key), revoked ? 'revoked' : 'live');
  }
  await issuer.close();
  const format = defineKeyFormat({ prefix: 'acme_live_' });
  const prefixes = new Set(keys.map((key) => hashKey(key).slice(0, 5)));
  while (keys.length < count) {
    const { key } = generateKey(format);
    if (prefixes.has(hashKey(key).slice(0, 5))) continue;
    prefixes.add(hashKey(key).slice(0, 5));
    keys.push(key);
  }
  const rule = join(dir, 'acme.yml');
  expect(runCli(['keys', 'pattern', '--db', db, '-o', rule]).status).toBe(0);
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  writeFileSync(join(tree, 'keys.env'), keys.map((key, index) => `KEY_${index}=${key}\n`).join(''));
  return { db, rule, tree, issuedHashes };
}

describe('--verify-hashes against an issuer that rate-limits range lookups', () => {
  it('checks 150 distinct candidates against the default limit of 120 a minute by waiting as Retry-After says', async () => {
    const dir = tempDir('keyward-verify-429-');
    const { db, rule, tree, issuedHashes } = await leakyTree(dir, 150, 3);
    const server = await startServe(db, writePublicKeys(dir, [makeReporter()]));
    children.push(server.child);
    const scan = runCli(['scan', tree, '--rules', rule, '--format', 'json', '--verify-hashes', server.base]);
    expect(scan.status, scan.stderr).toBe(1);
    const findings = (JSON.parse(scan.stdout) as JsonReport).findings;
    expect(findings).toHaveLength(150);
    for (const [hash, status] of issuedHashes) expect(findings.find((finding) => finding.secretSha256 === hash)?.verification.status).toBe(status);
    expect(findings.filter((finding) => finding.verification.status === 'unknown')).toHaveLength(147);
    expect(scan.stderr).not.toContain('not checked');
    // The server did limit it: the client was told to wait and did.
    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    expect(metrics).toContain('keyward_server_requests_total{outcome="range_lookup"} 150');
  }, 90_000);

  it('when waiting would pass its budget, marks the rest unknown, says how many, and still writes the report', async () => {
    const dir = tempDir('keyward-verify-budget-');
    const { db, rule, tree } = await leakyTree(dir, 20, 2);
    const server = await startServe(db, writePublicKeys(dir, [makeReporter()]), ['--range-lookups-per-minute', '6']);
    children.push(server.child);
    const started = Date.now();
    const scan = runCli(['scan', tree, '--rules', rule, '--format', 'json', '--verify-hashes', server.base]);
    // Six a minute: the next six would be a minute away, past the 60 s budget, so it does not wait at all.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(scan.status, scan.stderr).toBe(1);
    const findings = (JSON.parse(scan.stdout) as JsonReport).findings;
    expect(findings).toHaveLength(20);
    expect(findings.filter((finding) => finding.verification.status === 'unknown').length).toBeGreaterThanOrEqual(14);
    expect(scan.stderr).toMatch(
      new RegExp(`keyward: warning: --verify-hashes ${server.base.replace(/\./g, '\\.')}: 14 of 20 candidate\\(s\\) not checked \\(the issuer rate-limits range lookups and asked to wait \\d+ s, past the 60 s budget\\); they are reported as unknown`),
    );
  });
});

describe('the range client against an issuer without batched lookups', () => {
  it('falls back to one GET per prefix and honours Retry-After on each 429', async () => {
    const { createServer } = await import('node:http');
    const { openHashSource } = await import('../../src/verify/hash-source.js');
    const known = hashKey('acme_live_FAKEFAKE_known');
    const asked: { path: string; at: number }[] = [];
    let served = 0;
    const old = createServer((request, response) => {
      asked.push({ path: request.url ?? '', at: Date.now() });
      const match = /^\/v1\/hashes\/range\/([0-9a-f]{5})$/.exec(request.url ?? '');
      if (match === null) return void response.writeHead(404).end();
      // Every third lookup is refused with a one-second Retry-After.
      if (++served % 3 === 0) return void response.writeHead(429, { 'retry-after': '1' }).end();
      const entries = match[1] === known.slice(0, 5) ? [{ suffix: known.slice(5), status: 'live' }] : [];
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ entries }));
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    const warnings: string[] = [];
    try {
      const source = await openHashSource(`http://127.0.0.1:${(old.address() as { port: number }).port}`, { warn: (message) => warnings.push(message) });
      const others = Array.from({ length: 5 }, (_, i) => hashKey(`acme_live_FAKEFAKE_other${i}`));
      const answer = await source.lookup([known, ...others]);
      expect(answer).toEqual(new Map([[known, 'live']]));
      expect(warnings).toEqual([]);
      expect(asked[0]!.path).toBe('/v1/hashes/ranges');
      const refused = asked.findIndex((_, index) => index > 0 && index % 3 === 0);
      // After a 429 the next request waited at least the second it was told to (plus jitter, at most 25 %).
      expect(asked[refused + 1]!.at - asked[refused]!.at).toBeGreaterThanOrEqual(990);
      expect(asked[refused + 1]!.at - asked[refused]!.at).toBeLessThan(1600);
    } finally {
      old.close();
    }
  });
});
