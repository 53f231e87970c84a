import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { KeywardError } from '../../src/errors.js';
import { Issuer, PgKeyStore } from '../../src/issuer/index.js';
import { requirePostgres, startPostgres, type ThrowawayPostgres } from './postgres.js';

const HOUR = 3600_000;
const binDir = requirePostgres();
let server: ThrowawayPostgres;
let schemaCounter = 0;

// Without PostgreSQL's server binaries this file fails (see requirePostgres), unless told to skip.
describe('PgKeyStore on a real PostgreSQL server', () => {
  beforeAll(async () => {
    server = await startPostgres(binDir!);
  }, 60_000);
  afterAll(() => server?.stop());

  /** Each test gets its own schema: a fresh store on the shared server. */
  async function fresh(clock?: { now: number }): Promise<{ issuer: Issuer; schema: string }> {
    const schema = `t${++schemaCounter}`;
    const issuer = await Issuer.init(await PgKeyStore.connect(server.url, { schema }), { prefix: 'acme_live_' }, clock === undefined ? {} : { clock: () => clock.now });
    return { issuer, schema };
  }

  it('creates and verifies keys, and stores no raw key in any column', async () => {
    const { issuer, schema } = await fresh();
    const keys: string[] = [];
    for (let i = 0; i < 50; i++) keys.push((await issuer.create({ name: `k${i}`, scopes: ['read'] })).key);
    for (const key of keys) expect((await issuer.verify(key, { scope: 'read' })).ok).toBe(true);
    expect(await issuer.verify(keys[0]!, { scope: 'write' })).toMatchObject({ ok: false, reason: 'scope' });
    await issuer.flush();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const dump = JSON.stringify([(await client.query(`SELECT * FROM ${schema}.keys`)).rows, (await client.query(`SELECT * FROM ${schema}.audit`)).rows, (await client.query(`SELECT * FROM ${schema}.settings`)).rows]);
    await client.end();
    expect(dump).toContain(issuer.hash(keys[0]!));
    for (const key of keys) expect(dump.includes(key.slice(-30))).toBe(false);
    await issuer.close();
  });

  it('keeps both keys valid during the overlap window and only the successor after it', async () => {
    const clock = { now: Date.UTC(2026, 10, 23, 12) };
    const { issuer } = await fresh(clock);
    const { key, record } = await issuer.create();
    const rotated = await issuer.rotate(record.id, { overlapMs: 48 * HOUR });
    expect((await issuer.verify(key)).ok).toBe(true);
    clock.now += 48 * HOUR;
    expect(await issuer.verify(key)).toMatchObject({ ok: false, reason: 'retired' });
    expect((await issuer.verify(rotated.key)).ok).toBe(true);
    await issuer.close();
  });

  it('shows a revocation at once to a second connection pool, and revokes once', async () => {
    const { issuer, schema } = await fresh();
    const { key, record } = await issuer.create();
    const other = await Issuer.open(await PgKeyStore.connect(server.url, { schema }));
    expect((await other.verify(key)).ok).toBe(true);
    expect((await issuer.revoke(record.id, { reason: 'leaked' })).revoked).toBe(true);
    expect(await other.verify(key)).toMatchObject({ ok: false, reason: 'revoked' });
    expect((await other.revoke(record.id)).revoked).toBe(false);
    expect((await issuer.auditLog()).filter((event) => event.type === 'key.revoked')).toHaveLength(1);
    await other.close();
    await issuer.close();
  });

  it('never forks the audit chain under two concurrent writers', async () => {
    const { issuer, schema } = await fresh();
    const second = await Issuer.open(await PgKeyStore.connect(server.url, { schema }));
    await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? issuer : second).create({ name: `parallel-${i}` })));
    const check = await issuer.verifyAudit();
    expect(check).toMatchObject({ ok: true, events: 200 });
    await second.close();
    await issuer.close();
  });

  it('detects an edited, a deleted and a truncated audit trail', async () => {
    for (const tamper of [
      (schema: string) => `UPDATE ${schema}.audit SET actor = 'mallory' WHERE seq = 2`,
      (schema: string) => `DELETE FROM ${schema}.audit WHERE seq = 2`,
      (schema: string) => `DELETE FROM ${schema}.audit WHERE seq = (SELECT max(seq) FROM ${schema}.audit)`,
    ]) {
      const { issuer, schema } = await fresh();
      const { record } = await issuer.create();
      await issuer.rotate(record.id);
      expect((await issuer.verifyAudit()).ok).toBe(true);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query(tamper(schema));
      await client.end();
      expect((await issuer.verifyAudit()).ok).toBe(false);
      await issuer.close();
    }
  });

  it('names an unreachable server without its password', async () => {
    const error = await PgKeyStore.connect('postgres://keyward:hunter2-secret@127.0.0.1:1/keys').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as Error).message).toMatch(/^postgres:\/\/keyward@127\.0\.0\.1:1\/keys: cannot reach PostgreSQL/);
    expect((error as Error).message).not.toContain('hunter2');
  });
});
