import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Issuer, SqliteKeyStore } from '../../src/issuer/index.js';
import { createLeakServer } from '../../src/server/app.js';
import { PublicKeysUnavailable, publicKeysFromFile, publicKeysFromUrl } from '../../src/server/public-keys.js';
import { CLI, runCli, tempDir } from '../helpers.js';
import { makeReporter, postLeaks, signedHeaders, writePublicKeys } from './util.js';

const dir = tempDir('keyward-hardening-');
const reporter = makeReporter();
const publicKeysFile = writePublicKeys(dir, [reporter]);
const children: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A raw connection that sends `head` and then one more byte every `everyMs`; resolves when the server closes it. */
function dribble(port: number, head: string, everyMs: number): Promise<{ afterMs: number; statusLine: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    socket.write(head);
    const timer = setInterval(() => socket.writable && socket.write('x'), everyMs);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ afterMs: Date.now() - started, statusLine: received.split('\r\n')[0] ?? '' });
    });
  });
}

describe('connection limits and their metrics', () => {
  let issuer: Issuer;
  beforeAll(async () => {
    issuer = await Issuer.init(new SqliteKeyStore(join(dir, 'limits.db'), { create: true }), { prefix: 'acme_live_' });
  });
  afterAll(() => issuer.close());

  it('cuts off a client sending headers slowly at the configured headers timeout, counted as a timeout', async () => {
    const server = createLeakServer({ issuer, publicKeys: publicKeysFromFile(publicKeysFile), log: () => undefined, headersTimeoutMs: 1000 });
    const base = await listen(server);
    const port = Number(new URL(base).port);
    const slow = await dribble(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 100);
    // The documented timeout, within a margin: not node's 30-second check interval.
    expect(slow.afterMs).toBeGreaterThanOrEqual(950);
    expect(slow.afterMs).toBeLessThan(2500);
    expect(slow.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('keyward_server_requests_total{outcome="timeout"} 1');
    expect(metrics).toContain('keyward_server_requests_total{outcome="error"} 0');
  });

  it('keyward serve --headers-timeout holds through the CLI too', async () => {
    const { startServe } = await import('./util.js');
    const db = join(dir, 'cli-timeout.db');
    expect(runCli(['keys', 'init', '--db', db, '--prefix', 'acme_live_']).status).toBe(0);
    const serve = await startServe(db, publicKeysFile, ['--headers-timeout', '1s']);
    children.push(serve.child);
    const slow = await dribble(Number(new URL(serve.base).port), 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 100);
    expect(slow.afterMs).toBeGreaterThanOrEqual(950);
    expect(slow.afterMs).toBeLessThan(2500);
    expect(await (await fetch(`${serve.base}/metrics`)).text()).toContain('keyward_server_requests_total{outcome="timeout"} 1');
  });

  it('counts a client that hangs up mid-body as aborted and one too slow with its body as a timeout, neither as an error', async () => {
    const server = createLeakServer({ issuer, publicKeys: publicKeysFromFile(publicKeysFile), log: () => undefined, headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    const base = await listen(server);
    const port = Number(new URL(base).port);
    const head = `POST /v1/leaks HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n${'github-public-key-identifier'}: ${reporter.identifier}\r\ngithub-public-key-signature: AAAA\r\n\r\n[{"tok`;
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(head);
        setTimeout(() => socket.destroy(), 100);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    const slowBody = await dribble(port, head, 100);
    expect(slowBody.afterMs).toBeLessThan(3000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.metrics).toMatchObject({ aborted: 1, timeout: 1, error: 0, bad_request: 0 });
  });
});

describe('--public-keys URL that fails', () => {
  function failingKeyServer(): { hits: () => number; server: Server; fix: () => void } {
    let hits = 0;
    let healthy = false;
    const publicKeys = readFileSync(publicKeysFile, 'utf8');
    const server = createServer((_request, response) => {
      hits++;
      if (healthy) response.writeHead(200, { 'content-type': 'application/json' }).end(publicKeys);
      else response.writeHead(502).end('bad gateway');
    });
    return { hits: () => hits, server, fix: () => (healthy = true) };
  }

  it('refuses to start (exit 2, one line naming the URL) unless --public-keys-lazy', async () => {
    const keys = failingKeyServer();
    const url = `${await listen(keys.server)}/meta/public_keys`;
    const db = join(dir, 'refuse.db');
    expect(runCli(['keys', 'init', '--db', db, '--prefix', 'acme_live_']).status).toBe(0);
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--public-keys', url, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^keyward: error: --public-keys ${url.replace(/[.?]/g, '\\$&')}: HTTP 502 fetching the reporter keys\nhint: .*--public-keys-lazy`));
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('with --public-keys-lazy, serves 503 without asking the URL again on every request', async () => {
    const keys = failingKeyServer();
    const url = `${await listen(keys.server)}/meta/public_keys`;
    const db = join(dir, 'lazy.db');
    expect(runCli(['keys', 'init', '--db', db, '--prefix', 'acme_live_']).status).toBe(0);
    const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--public-keys', url, '--public-keys-lazy', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    const base = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    const body = Buffer.from('[{"token":"acme_live_FAKE","type":"t","url":"u","source":"s"}]');
    for (let i = 0; i < 20; i++) {
      const answer = await postLeaks(base, body, signedHeaders(reporter, body));
      expect(answer.status).toBe(503);
    }
    expect(keys.hits()).toBe(1);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('keyward_server_requests_total{outcome="unavailable"} 20');
  });

  it('tries again after the backoff and uses the keys once the URL answers', async () => {
    const keys = failingKeyServer();
    const url = `${await listen(keys.server)}/meta/public_keys`;
    const clock = { now: 1_000_000 };
    const source = publicKeysFromUrl(url, 3600_000, () => clock.now);
    await expect(source.prefetch()).rejects.toThrow(/HTTP 502/);
    const unavailable = await source.find(reporter.identifier).catch((error: unknown) => error);
    expect(unavailable).toBeInstanceOf(PublicKeysUnavailable);
    expect((unavailable as PublicKeysUnavailable).retryAfterSeconds).toBe(5);
    expect(keys.hits()).toBe(1);
    keys.fix();
    clock.now += 4_000;
    await expect(source.find(reporter.identifier)).rejects.toBeInstanceOf(PublicKeysUnavailable);
    expect(keys.hits()).toBe(1);
    clock.now += 1_000;
    expect(await source.find(reporter.identifier)).toBeDefined();
    expect(keys.hits()).toBe(2);
    expect(await source.find(reporter.identifier)).toBeDefined();
    expect(keys.hits()).toBe(2);
  });
});

describe('serve on SIGTERM while an owner notification is pending', () => {
  async function serveWithNotify(db: string, notifyUrl: string, grace: string): Promise<{ base: string; child: ChildProcess; exited: Promise<number | null>; stderr: () => string }> {
    const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--public-keys', publicKeysFile, '--port', '0', '--notify-url', notifyUrl, '--shutdown-grace', grace], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '', KEYWARD_NOTIFY_SECRET: 'owner-shared-secret-FAKE-0123' },
    });
    children.push(child);
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const base = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    return { base, child, exited, stderr: () => stderr };
  }

  for (const [name, ownerAnswers] of [
    ['between retries (the owner answers 503)', 'fail'],
    ['with an attempt in flight (the owner never answers)', 'hang'],
  ] as const) {
    it(`records delivered: false and exits within the grace period, ${name}`, async () => {
      const db = join(dir, `notify-${ownerAnswers}.db`);
      const issuer = await Issuer.init(new SqliteKeyStore(db, { create: true }), { prefix: 'acme_live_' });
      const { key, record } = await issuer.create({ owner: 'team-payments' });
      await issuer.close();
      let attempts = 0;
      let firstAttempt: () => void = () => undefined;
      const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
      const owner = createServer((request, response) => {
        attempts++;
        firstAttempt();
        request.resume();
        if (ownerAnswers === 'fail') response.writeHead(503).end();
      });
      const ownerUrl = `${await listen(owner)}/hooks/keys`;
      const serve = await serveWithNotify(db, ownerUrl, '2s');
      const body = Buffer.from(JSON.stringify([{ token: key, type: 'acme_live_api_key', url: 'https://example.test/leak', source: 'content' }]));
      expect((await postLeaks(serve.base, body, signedHeaders(reporter, body))).status).toBe(200);
      await attempted;
      const stopping = Date.now();
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      const took = Date.now() - stopping;
      // The grace period is 2 s; the margin is for process exit on a loaded machine.
      expect(took).toBeLessThan(2000 + 2000);
      owner.closeAllConnections();
      const reopened = await Issuer.open(new SqliteKeyStore(db));
      const notices = (await reopened.auditLog()).filter((event) => event.type === 'key.owner_notified');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatchObject({ keyId: record.id, details: { delivered: false, attempts } });
      expect(String(notices[0]!.details['error'])).toContain('server shutting down');
      expect((await reopened.verifyAudit()).ok).toBe(true);
      await reopened.close();
      expect(serve.stderr()).not.toContain(key);
    });
  }
});
