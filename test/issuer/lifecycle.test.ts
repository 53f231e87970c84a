import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardError } from '../../src/errors.js';
import { Issuer, SqliteKeyStore } from '../../src/issuer/index.js';
import { runCli, tempDir } from '../helpers.js';

const HOUR = 3600_000;
const dir = tempDir('keyward-issuer-');
let counter = 0;
const open: Issuer[] = [];

afterEach(async () => {
  for (const issuer of open.splice(0)) await issuer.close().catch(() => undefined);
});

/** A fresh SQLite file and an issuer on a clock the test moves. */
async function freshIssuer(options: { pepper?: Buffer } = {}): Promise<{ issuer: Issuer; db: string; clock: { now: number } }> {
  const db = join(dir, `keys-${++counter}.db`);
  const clock = { now: Date.UTC(2026, 10, 23, 12) };
  const issuer = await Issuer.init(new SqliteKeyStore(db, { create: true }), { prefix: 'acme_live_' }, { ...options, clock: () => clock.now });
  open.push(issuer);
  return { issuer, db, clock };
}

describe('issuer lifecycle on a real SQLite file', () => {
  it('stores no raw key: the database bytes hold none of the keys it issued', async () => {
    const { issuer, db } = await freshIssuer();
    const keys: string[] = [];
    for (let i = 0; i < 200; i++) keys.push((await issuer.create({ name: `k${i}`, scopes: ['read'] })).key);
    const first = await issuer.list();
    for (const view of first.slice(0, 20)) keys.push((await issuer.rotate(view.id)).key);
    for (const key of keys) expect((await issuer.verify(key)).ok).toBe(true);
    await issuer.flush();
    const bytes = () => Buffer.concat([db, `${db}-wal`].filter(existsSync).map((file) => readFileSync(file)));
    let image = bytes();
    for (const key of keys) {
      expect(image.includes(key)).toBe(false);
      expect(image.includes(key.slice(-30))).toBe(false);
    }
    // The hash is what is kept.
    expect(image.includes(Buffer.from(issuer.hash(keys[0]!)))).toBe(true);
    await issuer.close();
    image = bytes();
    for (const key of keys) expect(image.includes(key)).toBe(false);
  });

  it('keeps both keys valid during the rotation overlap, and only the successor after it', async () => {
    const { issuer, clock } = await freshIssuer();
    const { key: oldKey, record } = await issuer.create({ scopes: ['deploy'], owner: 'team-a' });
    const rotated = await issuer.rotate(record.id, { overlapMs: 48 * HOUR });
    expect(rotated.record.scopes).toEqual(['deploy']);
    expect(rotated.record.owner).toBe('team-a');
    expect((await issuer.verify(oldKey)).ok).toBe(true);
    expect((await issuer.verify(rotated.key)).ok).toBe(true);
    expect((await issuer.list()).map((key) => key.status)).toEqual(['rotating', 'rotating']);
    await expect(issuer.rotate(record.id)).rejects.toThrow(/rotating/);
    clock.now += 48 * HOUR - 1;
    expect((await issuer.verify(oldKey)).ok).toBe(true);
    clock.now += 1;
    expect(await issuer.verify(oldKey)).toMatchObject({ ok: false, reason: 'retired' });
    expect((await issuer.verify(rotated.key)).ok).toBe(true);
    const statuses = Object.fromEntries((await issuer.list()).map((key) => [key.id, key.status]));
    expect(statuses).toEqual({ [record.id]: 'retired', [rotated.record.id]: 'active' });
  });

  it('fails a revoked key at once, in this process and in a second one on the same file', async () => {
    const { issuer, db } = await freshIssuer();
    const { key, record } = await issuer.create();
    const other = (await issuer.create()).key;
    expect((await issuer.verify(key)).ok).toBe(true);
    const first = await issuer.revoke(record.id, { reason: 'compromised', actor: 'alice' });
    expect(first).toMatchObject({ revoked: true, key: { status: 'revoked', revokedReason: 'compromised', revokedBy: 'alice' } });
    expect(await issuer.verify(key)).toMatchObject({ ok: false, reason: 'revoked', keyId: record.id });
    // A second revoke changes nothing and logs nothing.
    expect((await issuer.revoke(record.id)).revoked).toBe(false);
    const second = runCli(['keys', 'verify', '--db', db], { input: `${key}\n` });
    expect(second.status).toBe(1);
    expect(second.stdout).toContain('invalid: revoked');
    expect(second.stdout + second.stderr).not.toContain(key);
    // And the other way: revoked by a second process, refused here with no cache in between.
    const otherId = other.slice('acme_live_'.length, 'acme_live_'.length + 8);
    expect((await issuer.verify(other)).ok).toBe(true);
    expect(runCli(['keys', 'revoke', otherId, '--db', db, '--reason', 'rotated by ops']).status).toBe(0);
    expect(await issuer.verify(other)).toMatchObject({ ok: false, reason: 'revoked' });
    const events = await issuer.auditLog();
    expect(events.filter((event) => event.type === 'key.revoked').map((event) => event.keyId)).toEqual([record.id, otherId]);
    expect(events.filter((event) => event.type === 'key.used_after_revocation').map((event) => event.keyId)).toContain(record.id);
    // Soft: the rows are still there.
    expect((await issuer.list()).length).toBe(2);
  });

  it('detects an edited, a deleted and a truncated audit trail', async () => {
    for (const tamper of [
      (db: Database.Database) => db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 2").run(),
      (db: Database.Database) => db.prepare("UPDATE audit SET details = '{}' WHERE seq = 3").run(),
      (db: Database.Database) => db.prepare('DELETE FROM audit WHERE seq = 2').run(),
      (db: Database.Database) => db.prepare('DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)').run(),
    ]) {
      const { issuer, db } = await freshIssuer();
      const { record } = await issuer.create();
      await issuer.rotate(record.id);
      await issuer.revoke(record.id);
      expect(await issuer.verifyAudit()).toMatchObject({ ok: true, events: 4 });
      expect(runCli(['keys', 'audit', '--verify', '--db', db]).status).toBe(0);
      const raw = new Database(db);
      tamper(raw);
      raw.close();
      const check = await issuer.verifyAudit();
      expect(check.ok).toBe(false);
      expect(check.problems.join('\n')).toMatch(/event \d/);
      const cli = runCli(['keys', 'audit', '--verify', '--db', db]);
      expect(cli.status).toBe(1);
      expect(cli.stdout).toContain('BROKEN');
    }
  });

  it('enforces scopes, IP allowlists, rate limits and expiry with distinct reasons', async () => {
    const { issuer, clock } = await freshIssuer();
    const { key } = await issuer.create({ scopes: ['charges:*', 'refunds:read'], ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'], rateLimit: 3, expiresAt: clock.now + 24 * HOUR });
    expect((await issuer.verify(key, { scope: 'charges:write', ip: '203.0.113.9' })).ok).toBe(true);
    expect((await issuer.verify(key, { scope: 'refunds:read', ip: '2001:db8::1' })).ok).toBe(true);
    expect(await issuer.verify(key, { scope: 'refunds:write', ip: '203.0.113.9' })).toMatchObject({ ok: false, reason: 'scope' });
    expect(await issuer.verify(key, { ip: '198.51.100.1' })).toMatchObject({ ok: false, reason: 'ip' });
    expect(await issuer.verify(key, {})).toMatchObject({ ok: false, reason: 'ip' });
    expect((await issuer.verify(key, { ip: '203.0.113.1' })).ok).toBe(true);
    expect(await issuer.verify(key, { ip: '203.0.113.1' })).toMatchObject({ ok: false, reason: 'rate-limited' });
    clock.now += 60_000;
    expect((await issuer.verify(key, { ip: '203.0.113.1' })).ok).toBe(true);
    clock.now += 24 * HOUR;
    expect(await issuer.verify(key, { ip: '203.0.113.1' })).toMatchObject({ ok: false, reason: 'expired' });
    const expired = await issuer.expire('cron');
    expect(expired).toHaveLength(1);
    expect(await issuer.expire('cron')).toHaveLength(0);
    expect((await issuer.auditLog()).filter((event) => event.type === 'key.expired')).toHaveLength(1);
  });

  it('rejects bad metadata naming the field, and stores nothing for it', async () => {
    const { issuer } = await freshIssuer();
    await expect(issuer.create({ scopes: ["read'; DROP TABLE keys;--"] })).rejects.toThrow(/^scope/);
    await expect(issuer.create({ ipAllowlist: ['10.0.0.0/33'] })).rejects.toThrow(/ip allowlist/);
    await expect(issuer.create({ rateLimit: 0 })).rejects.toThrow(/rate limit/);
    await expect(issuer.create({ name: '' })).rejects.toThrow(/name/);
    await expect(issuer.create({ expiresAt: issuer.now() - 1 })).rejects.toThrow(/expiry/);
    await expect(issuer.revoke("x' OR '1'='1")).rejects.toThrow(/not a key id/);
    await expect(issuer.revoke('AAAAAAAA')).rejects.toThrow(/no key with id AAAAAAAA/);
    expect(await issuer.list()).toHaveLength(0);
    expect(await issuer.auditLog()).toHaveLength(0);
  });

  it('coalesces last-used times into one write and flags stale keys', async () => {
    const { issuer, clock, db } = await freshIssuer();
    const used = await issuer.create({ name: 'used' });
    await issuer.create({ name: 'idle' });
    clock.now += 100 * 86_400_000;
    for (let i = 0; i < 1000; i++) await issuer.verify(used.key);
    // What is on disk, read through a second connection.
    const onDisk = new SqliteKeyStore(db);
    expect((await onDisk.findKey(used.record.id))?.lastUsedAt).toBeUndefined();
    await issuer.flush();
    expect((await onDisk.findKey(used.record.id))?.lastUsedAt).toBe(clock.now);
    await onDisk.close();
    expect((await issuer.stale()).map((key) => key.name)).toEqual(['idle']);
  });

  it('hashes with a pepper when given one, and refuses to open without it', async () => {
    const pepper = Buffer.from('a server-side pepper of at least 32 chars');
    const { issuer, db } = await freshIssuer({ pepper });
    const { key } = await issuer.create();
    expect((await issuer.verify(key)).ok).toBe(true);
    await issuer.close();
    await expect(Issuer.open(new SqliteKeyStore(db))).rejects.toThrow(/pepper/);
    const again = await Issuer.open(new SqliteKeyStore(db), { pepper });
    open.push(again);
    expect((await again.verify(key)).ok).toBe(true);
  });
});

describe('a locked or corrupt key database', () => {
  it('gives a clear error while another process holds the write lock, and loses no event', async () => {
    const { issuer, db } = await freshIssuer();
    const { record } = await issuer.create();
    await issuer.close();
    const impatient = await Issuer.open(new SqliteKeyStore(db, { busyTimeoutMs: 50 }));
    open.push(impatient);
    const holder = new Database(db);
    holder.exec('BEGIN EXCLUSIVE');
    const error = await impatient.revoke(record.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as Error).message).toMatch(/locked by another process; nothing was changed/);
    holder.exec('ROLLBACK');
    holder.close();
    expect((await impatient.get(record.id))?.status).toBe('active');
    expect((await impatient.revoke(record.id)).revoked).toBe(true);
    expect(await impatient.verifyAudit()).toMatchObject({ ok: true, events: 2 });
  });

  it('names a corrupt or foreign file in one line with exit 2', () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database at all, just text that is long enough to have a header'.repeat(100));
    const foreign = join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE t (x)');
    other.close();
    for (const file of [garbage, foreign, join(dir, 'missing.db')]) {
      const result = runCli(['keys', 'list', '--db', file]);
      expect(result.status, file).toBe(2);
      expect(result.stderr.split('\n').filter(Boolean)[0]).toMatch(new RegExp(`^keyward: error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
