import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Issuer, SqliteKeyStore } from '../../src/issuer/index.js';
import { createLeakServer } from '../../src/server/app.js';
import { publicKeysFromFile } from '../../src/server/public-keys.js';
import { tempDir } from '../helpers.js';
import { makeReporter, postLeaks, signedHeaders, writePublicKeys } from './util.js';

const dir = tempDir('keyward-server-');
const reporter = makeReporter();
const stranger = makeReporter();
const logs: Record<string, unknown>[] = [];
let issuer: Issuer;
let server: ReturnType<typeof createLeakServer>;
let base: string;

beforeAll(async () => {
  issuer = await Issuer.init(new SqliteKeyStore(join(dir, 'keys.db'), { create: true }), { prefix: 'acme_live_' });
  server = createLeakServer({ issuer, publicKeys: publicKeysFromFile(writePublicKeys(dir, [reporter])), log: (entry) => logs.push(entry), rangeLookupsPerMinute: 30 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await issuer.close();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('POST /v1/leaks (GitHub secret scanning partner format)', () => {
  it('accepts a signed report, revokes live keys once and labels every token', async () => {
    const live = await issuer.create({ name: 'leaky' });
    const alreadyRevoked = await issuer.create();
    await issuer.revoke(alreadyRevoked.record.id, { reason: 'rotated' });
    const lookAlike = live.key.slice(0, -1) + (live.key.endsWith('A') ? 'B' : 'A');
    const payload = [
      { token: live.key, type: 'acme_live_api_key', url: 'https://github.com/octo/repo/blob/abc/config.env', source: 'content' },
      { token: alreadyRevoked.key, type: 'acme_live_api_key', url: 'https://github.com/octo/repo/issues/1', source: 'issue' },
      { token: lookAlike, type: 'acme_live_api_key', url: 'https://github.com/octo/repo', source: 'content' },
      { token: 'sk_live_notoursatall1234567890', type: 'acme_live_api_key', url: 'https://gist.github.com/x', source: 'gist' },
    ];
    const body = Buffer.from(JSON.stringify(payload));
    const first = await postLeaks(base, body, signedHeaders(reporter, body));
    expect(first.status).toBe(200);
    expect(first.json).toEqual(payload.map((item, index) => ({ token_hash: sha256(item.token), token_type: 'acme_live_api_key', label: index < 2 ? 'true_positive' : 'false_positive' })));
    expect(await issuer.verify(live.key)).toMatchObject({ ok: false, reason: 'revoked' });
    const record = await issuer.get(live.record.id);
    expect(record).toMatchObject({ revokedReason: 'leaked', revokedBy: `reporter:${reporter.identifier}` });
    // Again: the same answer, no second revocation, no second event.
    const again = await postLeaks(base, body, signedHeaders(reporter, body));
    expect(again.json).toEqual(first.json);
    const events = await issuer.auditLog();
    const leaked = events.filter((event) => event.type === 'key.leaked');
    expect(leaked.map((event) => event.keyId)).toEqual([live.record.id]);
    expect(leaked[0]!.details).toMatchObject({ url: payload[0]!.url, source: 'content' });
    expect(events.filter((event) => event.type === 'key.revoked' && event.keyId === live.record.id)).toHaveLength(1);
    expect(server.metrics.revoked).toBe(1);
    expect(server.metrics.duplicate).toBe(3);
    expect((await issuer.verifyAudit()).ok).toBe(true);
    // No raw token in any log line.
    const logged = JSON.stringify(logs);
    for (const item of payload) expect(logged).not.toContain(item.token);
  });

  it('refuses forged, unknown-key, malformed, oversized and mistyped requests with a 4xx and changes nothing', async () => {
    const { key } = await issuer.create();
    const eventsBefore = (await issuer.auditLog()).length;
    const payload = Buffer.from(JSON.stringify([{ token: key, type: 't', url: 'u', source: 's' }]));
    const forged = { ...signedHeaders(reporter, Buffer.from('[{"token":"something else"}]')) };
    const cases: [string, Buffer | string, Record<string, string>, number][] = [
      ['forged signature', payload, forged, 401],
      ['signature by a key it does not know', payload, { ...signedHeaders(stranger, payload) }, 401],
      ['no signature headers', payload, { 'content-type': 'application/json' }, 401],
      ['garbage signature', payload, { ...signedHeaders(reporter, payload), 'github-public-key-signature': 'bm90IGEgc2lnbmF0dXJl' }, 401],
      ['malformed JSON', Buffer.from('[{"token": '), signedHeaders(reporter, Buffer.from('[{"token": ')), 400],
      ['not an array', Buffer.from('{"token":"x"}'), signedHeaders(reporter, Buffer.from('{"token":"x"}')), 400],
      ['wrong content type', payload, { ...signedHeaders(reporter, payload), 'content-type': 'text/plain' }, 415],
    ];
    for (const [name, body, headers, status] of cases) {
      const response = await postLeaks(base, body, headers);
      expect(response.status, name).toBe(status);
      expect((response.json as { error: string }).error.length, name).toBeGreaterThan(0);
    }
    const huge = Buffer.alloc(10 * 1024 * 1024, 0x20);
    const tooLarge = await postLeaks(base, huge, signedHeaders(reporter, huge));
    expect(tooLarge.status).toBe(413);
    // Chunked, without a Content-Length: cut off at the limit all the same.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
        controller.close();
      },
    });
    const chunked = await fetch(`${base}/v1/leaks`, { method: 'POST', headers: signedHeaders(reporter, huge), body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await issuer.verify(key)).ok).toBe(true);
    expect((await issuer.auditLog()).length).toBe(eventsBefore);
    expect((await fetch(`${base}/v1/leaks`)).status).toBe(405);
  });
});

describe('GET /v1/hashes/range/{prefix}', () => {
  it('answers with padded suffixes and statuses, never more than the prefix is sent', async () => {
    const live = await issuer.create();
    const dead = await issuer.create();
    await issuer.revoke(dead.record.id);
    for (const [created, status] of [[live, 'live'], [dead, 'revoked']] as const) {
      const hash = sha256(created.key);
      const response = await fetch(`${base}/v1/hashes/range/${hash.slice(0, 5)}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { prefix: string; entries: { suffix: string; status: string }[] };
      expect(body.entries.length).toBeGreaterThanOrEqual(16);
      expect(body.entries).toContainEqual({ suffix: hash.slice(5), status });
      // Same question, same answer: decoys cannot be averaged away.
      expect(await (await fetch(`${base}/v1/hashes/range/${hash.slice(0, 5)}`)).json()).toEqual(body);
    }
    expect((await fetch(`${base}/v1/hashes/range/abc`)).status).toBe(400);
    expect((await fetch(`${base}/v1/hashes/range/zzzzz`)).status).toBe(400);
    let limited = 0;
    for (let i = 0; i < 40; i++) if ((await fetch(`${base}/v1/hashes/range/00000`)).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
  });

  it('serves health and per-outcome metrics', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/keyward_server_requests_total\{outcome="revoked"\} 1/);
    expect(metrics).toMatch(/keyward_server_requests_total\{outcome="unauthorized"\} [1-9]/);
  });
});

describe('owner notification', () => {
  it('posts a signed notice, retries with backoff, and records the outcome in the audit trail', async () => {
    const { createServer } = await import('node:http');
    const { createOwnerNotifier, signNotification } = await import('../../src/server/notify.js');
    const received: { body: string; signature: string }[] = [];
    let calls = 0;
    const owner = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        calls++;
        received.push({ body, signature: String(request.headers['keyward-signature']) });
        response.writeHead(calls <= 2 ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => owner.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(owner.address() as AddressInfo).port}/hooks/keys`;
    const notifier = createOwnerNotifier({ issuer, url, secret: 'owner-shared-secret-0123', baseDelayMs: 20 });
    const { record } = await issuer.create({ owner: 'team-payments' });
    await notifier.notify(record.id, { reporter: 'reporter:x', url: 'https://example.test/leak' });
    owner.close();
    expect(calls).toBe(3);
    const last = received.at(-1)!;
    const timestamp = Number(/^t=(\d+),/.exec(last.signature)![1]);
    expect(last.signature).toBe(signNotification('owner-shared-secret-0123', last.body, timestamp));
    expect(JSON.parse(last.body)).toMatchObject({ type: 'key.leaked', keyId: record.id, revoked: true });
    const events = (await issuer.auditLog()).filter((event) => event.type === 'key.owner_notified');
    expect(events.at(-1)).toMatchObject({ keyId: record.id, details: { delivered: true, attempts: 3 } });
    // An endpoint that never answers well is given up on, and that is recorded too.
    const failing = createOwnerNotifier({ issuer, url: 'http://127.0.0.1:1/unreachable', secret: 'owner-shared-secret-0123', attempts: 2, baseDelayMs: 10 });
    await failing.notify(record.id, {});
    expect((await issuer.auditLog()).at(-1)).toMatchObject({ type: 'key.owner_notified', details: { delivered: false, attempts: 2 } });
    expect((await issuer.verifyAudit()).ok).toBe(true);
  });
});
