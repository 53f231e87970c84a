import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, defineKeyFormat, hashKey, Issuer, openKeyStore, previewKey, stateHash, type AuditEntry, type KeyRecord, type KeyStore } from '../../src/issuer/index.js';
import { tempDir } from '../helpers.js';
import { requirePostgres, startPostgres, type ThrowawayPostgres } from './postgres.js';

/**
 * One contract for every KeyStore: the same cases run against a SQLite file and a real PostgreSQL server,
 * each store opened through openKeyStore from the spec a user would pass to --db.
 */
interface StoreUnderTest {
  spec: string;
  /** Runs SQL on the store's tables behind keyward's back (`$KEYS`, `$AUDIT`, `$SETTINGS` name them). */
  tamper(sql: string): Promise<void>;
}

const binDir = requirePostgres();
const dir = tempDir('keyward-contract-');
let postgres: ThrowawayPostgres | undefined;
let counter = 0;

beforeAll(async () => {
  if (binDir !== undefined) postgres = await startPostgres(binDir);
}, 60_000);
afterAll(() => postgres?.stop());

function sqliteStore(): StoreUnderTest {
  const file = join(dir, `contract-${++counter}.db`);
  return {
    spec: file,
    tamper: async (sql) => {
      const db = new Database(file);
      db.exec(sql.replaceAll('$KEYS', 'keys').replaceAll('$AUDIT', 'audit').replaceAll('$SETTINGS', 'settings'));
      db.close();
    },
  };
}

function postgresStore(): StoreUnderTest {
  const schema = `contract_${++counter}`;
  return {
    spec: `${postgres!.url}?schema=${schema}`,
    tamper: async (sql) => {
      const client = new pg.Client({ connectionString: postgres!.url });
      await client.connect();
      await client.query(sql.replaceAll('$KEYS', `${schema}.keys`).replaceAll('$AUDIT', `${schema}.audit`).replaceAll('$SETTINGS', `${schema}.settings`));
      await client.end();
    },
  };
}

const format = defineKeyFormat({ prefix: 'acme_live_' });
const NOW = Date.UTC(2026, 10, 23, 12);

function record(overrides: Partial<KeyRecord> = {}): { key: string; record: KeyRecord } {
  const { key, id } = generateKey(format);
  return { key, record: { id, hash: hashKey(key), preview: previewKey(format, key), scopes: ['read'], labels: { team: 'payments' }, ipAllowlist: [], createdAt: NOW, createdBy: 'test', ...overrides } };
}

function created(entry: KeyRecord): AuditEntry {
  return { at: NOW, type: 'key.created', keyId: entry.id, actor: 'test', details: { preview: entry.preview } };
}

const stores: [string, () => StoreUnderTest][] = [['SQLite', sqliteStore]];
stores.push(['PostgreSQL', postgresStore]);

describe.each(stores)('KeyStore contract: %s', (_name, make) => {
  async function fresh(): Promise<{ store: KeyStore; under: StoreUnderTest }> {
    const under = make();
    return { store: await openKeyStore(under.spec, { create: true }), under };
  }

  it('keeps settings, and agrees on one value for a named setting however often it is set', async () => {
    const { store } = await fresh();
    expect(await store.readSettings()).toBeUndefined();
    await store.writeSettings({ prefix: 'acme_live_', idLength: 8, bodyBits: 256, hashAlgorithm: 'sha256' });
    expect(await store.readSettings()).toEqual({ prefix: 'acme_live_', idLength: 8, bodyBits: 256, hashAlgorithm: 'sha256' });
    const first = await store.settingOrInit('range_secret', 'aa'.repeat(32));
    const values = await Promise.all(Array.from({ length: 5 }, (_, i) => store.settingOrInit('range_secret', String(i).repeat(64))));
    expect(first).toBe('aa'.repeat(32));
    expect(new Set(values)).toEqual(new Set([first]));
    await store.close();
  });

  it('inserts, finds by id, by hash and by hash prefix, and refuses a taken id', async () => {
    const { store } = await fresh();
    const a = record();
    const b = record({ expiresAt: NOW + 86_400_000, owner: 'team-a', rateLimit: 60 });
    expect(await store.insertKey(a.record, [created(a.record)])).toBe(true);
    expect(await store.insertKey(b.record, [created(b.record)])).toBe(true);
    expect(await store.insertKey({ ...record().record, id: a.record.id }, [])).toBe(false);
    expect(await store.findKey(a.record.id)).toEqual(a.record);
    expect(await store.findKey(b.record.id)).toEqual(b.record);
    expect(await store.findKeyByHash(b.record.hash)).toEqual(b.record);
    expect(await store.findKey('nosuchid')).toBeUndefined();
    expect((await store.keysWithHashPrefix(a.record.hash.slice(0, 5))).map((found) => found.id)).toContain(a.record.id);
    expect((await store.keysWithHashPrefix(a.record.hash.slice(0, 5).toUpperCase())).map((found) => found.id)).toContain(a.record.id);
    expect((await store.listKeys()).map((found) => found.id).sort()).toEqual([a.record.id, b.record.id].sort());
    // The taken id logged nothing.
    expect((await store.auditEvents()).map((event) => event.keyId)).toEqual([a.record.id, b.record.id]);
    await store.close();
  });

  it('revokes once, rotates once, marks expiry once, and chains every event to the one before', async () => {
    const { store } = await fresh();
    const a = record();
    const b = record();
    await store.insertKey(a.record, [created(a.record)]);
    await store.insertKey(b.record, [created(b.record)]);
    const revocation = { at: NOW + 1, reason: 'leaked', actor: 'test' };
    const revokeEvent: AuditEntry = { at: NOW + 1, type: 'key.revoked', keyId: a.record.id, actor: 'test', details: { reason: 'leaked' } };
    expect(await store.revokeKey(a.record.id, revocation, [revokeEvent])).toBe(true);
    expect(await store.revokeKey(a.record.id, revocation, [revokeEvent])).toBe(false);
    expect(await store.revokeKey('nosuchid', revocation, [revokeEvent])).toBe(false);
    expect(await store.findKey(a.record.id)).toMatchObject({ revokedAt: NOW + 1, revokedReason: 'leaked', revokedBy: 'test' });
    const successor = record({ rotatedFrom: b.record.id });
    const rotateEvents: AuditEntry[] = [created(successor.record), { at: NOW + 2, type: 'key.rotated', keyId: b.record.id, actor: 'test', details: { successor: successor.record.id } }];
    expect(await store.rotateKey(b.record.id, successor.record, NOW + 1000, rotateEvents)).toBe(true);
    expect(await store.rotateKey(b.record.id, record().record, NOW + 1000, rotateEvents)).toBe(false);
    expect(await store.rotateKey(a.record.id, record().record, NOW + 1000, rotateEvents)).toBe(false);
    expect(await store.findKey(b.record.id)).toMatchObject({ rotatedTo: successor.record.id, rotationEndsAt: NOW + 1000 });
    const expireEvent: AuditEntry = { at: NOW + 3, type: 'key.expired', keyId: successor.record.id, actor: 'test', details: {} };
    expect(await store.markExpired(successor.record.id, NOW + 3, [expireEvent])).toBe(true);
    expect(await store.markExpired(successor.record.id, NOW + 3, [expireEvent])).toBe(false);
    await store.appendEvents([{ at: NOW + 4, type: 'key.owner_notified', keyId: a.record.id, actor: 'server', details: { delivered: false } }]);
    const events = await store.auditEvents();
    expect(events.map((event) => event.type)).toEqual(['key.created', 'key.created', 'key.revoked', 'key.created', 'key.rotated', 'key.expired', 'key.owner_notified']);
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect(await store.auditHead()).toEqual({ seq: 7, hash: events.at(-1)!.hash });
    await store.close();
  });

  it("stamps each state change with the hash of the row it left, and not last-used times", async () => {
    const { store } = await fresh();
    const a = record();
    await store.insertKey(a.record, [created(a.record)]);
    await store.touchKeys(new Map([[a.record.id, NOW + 50]]));
    await store.touchKeys(new Map([[a.record.id, NOW + 10]]));
    expect((await store.findKey(a.record.id))?.lastUsedAt).toBe(NOW + 50);
    await store.revokeKey(a.record.id, { at: NOW + 60, reason: 'revoked', actor: 'test' }, [{ at: NOW + 60, type: 'key.revoked', keyId: a.record.id, actor: 'test', details: {} }]);
    const events = await store.auditEvents();
    expect(events[0]!.details['state']).toBe(stateHash(a.record));
    const now = (await store.findKey(a.record.id))!;
    expect(events[1]!.details['state']).toBe(stateHash(now));
    expect(stateHash({ ...now, lastUsedAt: NOW + 999 })).toBe(stateHash(now));
    expect(stateHash({ ...now, revokedAt: undefined } as KeyRecord)).not.toBe(stateHash(now));
    await store.close();
  });

  it('audit --verify catches an un-revoked key, an inserted row and a deleted row, through the CLI', async () => {
    const { runCli } = await import('../helpers.js');
    for (const [what, sql, expected] of [
      ['un-revoking a key', (id: string) => `UPDATE $KEYS SET revoked_at = NULL, revoked_reason = NULL, revoked_by = NULL WHERE id = '${id}'`, /row does not match the state event 3 \(key\.revoked\)/],
      ['granting every scope', (id: string) => `UPDATE $KEYS SET scopes = '["*"]' WHERE id = '${id}'`, /row does not match/],
      ['deleting a revoked key', (id: string) => `DELETE FROM $KEYS WHERE id = '${id}'`, /row is gone from the keys table/],
      ['inserting a key', () => `INSERT INTO $KEYS (id, hash, preview, scopes, labels, ip_allowlist, created_at, created_by) VALUES ('Planted1', '${'ab'.repeat(32)}', 'p', '[]', '{}', '[]', 1, 'mallory')`, /key Planted1 has no events/],
    ] as const) {
      const under = make();
      expect(runCli(['keys', 'init', '--db', under.spec, '--prefix', 'acme_live_']).status, what).toBe(0);
      const key = runCli(['keys', 'create', '--db', under.spec, '--name', 'victim']).stdout.trim();
      expect(runCli(['keys', 'create', '--db', under.spec, '--name', 'bystander']).status).toBe(0);
      const id = key.slice('acme_live_'.length, 'acme_live_'.length + 8);
      expect(runCli(['keys', 'revoke', id, '--db', under.spec, '--reason', 'leaked']).status).toBe(0);
      expect(runCli(['keys', 'audit', '--verify', '--db', under.spec]).stdout, what).toMatch(/audit chain intact: 3 events/);
      await under.tamper(sql(id));
      const check = runCli(['keys', 'audit', '--verify', '--db', under.spec]);
      expect(check.status, what).toBe(1);
      expect(check.stdout, what).toMatch(/audit chain BROKEN/);
      expect(check.stderr, what).toMatch(expected);
    }
  });
});

describe('the CLI on PostgreSQL (--db postgres://… and KEYWARD_KEYS_DB)', () => {
  it('runs the whole key lifecycle, a hash export and a scan against a real server', async () => {
    const { runCli } = await import('../helpers.js');
    const { writeFileSync } = await import('node:fs');
    const spec = `${postgres!.url}?schema=cli_lifecycle`;
    const init = runCli(['keys', 'init', '--db', spec, '--prefix', 'acme_live_']);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain('initialised postgres://');
    // The connection string's password never shows.
    expect(init.stdout + init.stderr).not.toContain('not-the-password');
    const env = { KEYWARD_KEYS_DB: spec };
    const live = runCli(['keys', 'create', '--name', 'deploy-bot', '--scope', 'deploy'], { env }).stdout.trim();
    const dead = runCli(['keys', 'create', '--name', 'old'], { env }).stdout.trim();
    expect(live).toMatch(/^acme_live_/);
    const deadId = dead.slice(10, 18);
    expect(runCli(['keys', 'revoke', deadId], { env }).stdout).toBe(`revoked ${deadId}\n`);
    expect(runCli(['keys', 'verify', '--scope', 'deploy'], { env, input: live })).toMatchObject({ status: 0 });
    expect(runCli(['keys', 'verify'], { env, input: dead })).toMatchObject({ status: 1, stdout: expect.stringContaining('invalid: revoked') });
    const list = runCli(['keys', 'list', '--format', 'json', '--db', spec]);
    expect((JSON.parse(list.stdout) as { name: string; status: string }[]).map((key) => [key.name, key.status])).toEqual([
      ['deploy-bot', 'active'],
      ['old', 'revoked'],
    ]);
    // created, created, revoked, and the revoked key's use just now.
    expect(runCli(['keys', 'audit', '--verify'], { env })).toMatchObject({ status: 0, stdout: 'audit chain intact: 4 events\n' });
    const exported = runCli(['keys', 'export-hashes'], { env }).stdout;
    expect(exported).toContain(`${hashKey(live)} live`);
    expect(exported).toContain(`${hashKey(dead)} revoked`);
    // --verify-hashes reads the same PostgreSQL database.
    const rule = join(dir, 'acme-pg.yml');
    expect(runCli(['keys', 'pattern', '-o', rule], { env }).status).toBe(0);
    const scanned = join(dir, 'pg-scan');
    (await import('node:fs')).mkdirSync(scanned);
    writeFileSync(join(scanned, 'deploy.env'), `ACME_KEY=${live}\nOLD_KEY=${dead}\n`);
    const scan = runCli(['scan', scanned, '--rules', rule, '--format', 'json', '--verify-hashes', spec]);
    expect(scan.status, scan.stderr).toBe(1);
    const findings = (JSON.parse(scan.stdout) as { findings: { secretSha256: string; verification: { status: string } }[] }).findings;
    expect(Object.fromEntries(findings.map((finding) => [finding.secretSha256, finding.verification.status]))).toEqual({ [hashKey(live)]: 'live', [hashKey(dead)]: 'revoked' });
    expect(scan.stdout).not.toContain(live);
  });

  it('keyward serve --db postgres://… answers range lookups and revokes a reported key', async () => {
    const { runCli } = await import('../helpers.js');
    const { makeReporter, postLeaks, signedHeaders, startServe, writePublicKeys } = await import('../server/util.js');
    const spec = `${postgres!.url}?schema=cli_serve`;
    expect(runCli(['keys', 'init', '--db', spec, '--prefix', 'acme_live_']).status).toBe(0);
    const key = runCli(['keys', 'create', '--db', spec]).stdout.trim();
    const reporter = makeReporter();
    const server = await startServe(spec, writePublicKeys(dir, [reporter]));
    try {
      expect(server.stderr()).toMatch(/serving postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\?schema=cli_serve on/);
      const hash = hashKey(key);
      const range = (await (await fetch(`${server.base}/v1/hashes/range/${hash.slice(0, 5)}`)).json()) as { entries: { suffix: string; status: string }[] };
      expect(range.entries).toContainEqual({ suffix: hash.slice(5), status: 'live' });
      const body = Buffer.from(JSON.stringify([{ token: key, type: 'acme_live_api_key', url: 'https://example.test/leak', source: 'content' }]));
      const answer = await postLeaks(server.base, body, signedHeaders(reporter, body));
      expect(answer).toMatchObject({ status: 200, json: [{ label: 'true_positive' }] });
      const issuer = await Issuer.open(await openKeyStore(spec));
      expect((await issuer.auditLog()).map((event) => event.type)).toEqual(['key.created', 'key.leaked', 'key.revoked']);
      expect(await issuer.verify(key)).toMatchObject({ ok: false, reason: 'revoked' });
      expect((await issuer.verifyAudit()).ok).toBe(true);
      await issuer.close();
    } finally {
      server.child.kill('SIGTERM');
    }
  });
});
