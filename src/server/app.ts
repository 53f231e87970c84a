import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Issuer } from '../issuer/issuer.js';
import { TokenBuckets } from '../issuer/rate-limit.js';
import { livenessOf } from '../issuer/issuer.js';
import { verifySignature, type PublicKeySource } from './public-keys.js';

export const KEY_ID_HEADER = 'github-public-key-identifier';
export const SIGNATURE_HEADER = 'github-public-key-signature';

export interface LeakServerOptions {
  issuer: Issuer;
  publicKeys: PublicKeySource;
  /** Largest accepted request body; default 1 MB (GitHub batches up to a few hundred tokens). */
  bodyLimit?: number;
  /** Tokens per report; default 1000. */
  maxTokens?: number;
  /** Leak reports per minute per reporting key; default 60,000 (GitHub can send bursts after a large push). */
  reportsPerMinute?: number;
  /** Range lookups per minute per client address; default 120. */
  rangeLookupsPerMinute?: number;
  /** One JSON object per line; never holds a raw token. Default: stderr. */
  log?: (entry: Record<string, unknown>) => void;
  /** Called after a key was revoked because of a report (owner notification). */
  onRevoked?: (keyId: string, details: Record<string, unknown>) => void;
}

export const OUTCOMES = ['revoked', 'duplicate', 'false_positive', 'bad_request', 'unauthorized', 'too_large', 'unsupported_media_type', 'rate_limited', 'range_lookup', 'error'] as const;
type Outcome = (typeof OUTCOMES)[number];

/** Every range answer holds at least this many suffixes, real or decoy, so the count says little. */
const RANGE_MIN_ENTRIES = 16;

interface LeakItem {
  token: string;
  type?: string;
  url?: string;
  source?: string;
}

/**
 * The issuer's HTTP face, on node:http: `POST /v1/leaks` (GitHub's secret scanning partner format, signed),
 * `GET /v1/hashes/range/{5 hex}` (k-anonymity lookups), `GET /healthz`, `GET /metrics`.
 */
export function createLeakServer(options: LeakServerOptions): Server & { metrics: Record<Outcome, number> } {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const maxTokens = options.maxTokens ?? 1000;
  const log = options.log ?? ((entry) => process.stderr.write(`${JSON.stringify(entry)}\n`));
  const metrics = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  const reporterBuckets = new TokenBuckets();
  const rangeBuckets = new TokenBuckets();
  // Reports are handled one at a time: the store's writes are serial anyway, and it keeps "revoked once"
  // trivially true for concurrent duplicates.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const server = createServer((request, response) => {
    const requestId = randomUUID();
    handle(request, response, requestId).catch((error: unknown) => {
      metrics.error++;
      log({ at: new Date().toISOString(), requestId, outcome: 'error', message: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      if (!response.headersSent) send(response, 500, { error: 'internal error', requestId });
      else response.destroy();
    });
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;

  async function handle(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/healthz') return send(response, 200, { ok: true });
    if (request.method === 'GET' && url.pathname === '/metrics') return sendText(response, 200, prometheus(metrics));
    const range = /^\/v1\/hashes\/range\/([^/]*)$/.exec(url.pathname);
    if (request.method === 'GET' && range !== null) return rangeLookup(request, response, range[1]!);
    if (url.pathname === '/v1/leaks') {
      if (request.method !== 'POST') return send(response, 405, { error: 'use POST' }, { allow: 'POST' });
      return leakReport(request, response, requestId);
    }
    return send(response, 404, { error: 'not found' });
  }

  async function rangeLookup(request: IncomingMessage, response: ServerResponse, prefix: string): Promise<void> {
    if (!/^[0-9a-fA-F]{5}$/.test(prefix)) return reject(response, 'bad_request', 400, 'the range is the first 5 hex characters of a SHA-256');
    if (!rangeBuckets.take(request.socket.remoteAddress ?? '?', options.rangeLookupsPerMinute ?? 120, Date.now())) {
      return reject(response, 'rate_limited', 429, 'too many range lookups; slow down', { 'retry-after': '60' });
    }
    metrics.range_lookup++;
    const low = prefix.toLowerCase();
    const now = options.issuer.now();
    const real = (await options.issuer.store.keysWithHashPrefix(low)).map((record) => ({
      suffix: record.hash.slice(5),
      status: livenessOf(record, now),
    }));
    send(response, 200, { prefix: low, entries: padRange(low, real) }, { 'cache-control': 'no-store' });
  }

  async function leakReport(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/json') return reject(response, 'unsupported_media_type', 415, 'Content-Type must be application/json', {}, true);
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > bodyLimit) return reject(response, 'too_large', 413, `body over ${bodyLimit} bytes`, {}, true);
    const keyId = header(request, KEY_ID_HEADER);
    const signature = header(request, SIGNATURE_HEADER);
    if (keyId === undefined || signature === undefined) return reject(response, 'unauthorized', 401, `missing ${KEY_ID_HEADER} or ${SIGNATURE_HEADER}`, {}, true);
    const body = await readBody(request, bodyLimit);
    if (body === undefined) return reject(response, 'too_large', 413, `body over ${bodyLimit} bytes`);
    const publicKey = await options.publicKeys.find(keyId);
    if (publicKey === undefined) return reject(response, 'unauthorized', 401, 'unknown public key identifier');
    if (!verifySignature(publicKey, body, signature)) return reject(response, 'unauthorized', 401, 'signature does not verify');
    const reporter = `reporter:${keyId.slice(0, 64)}`;
    if (!reporterBuckets.take(reporter, options.reportsPerMinute ?? 60_000, Date.now())) return reject(response, 'rate_limited', 429, 'too many reports from this key', { 'retry-after': '60' });
    const items = parseItems(body, maxTokens);
    if (typeof items === 'string') return reject(response, 'bad_request', 400, items);
    const answers = await serially(async () => {
      const out = [];
      for (const item of items) {
        const tokenHash = createHash('sha256').update(item.token).digest('hex');
        const outcome = await options.issuer.reportLeak(item.token, { reporter, ...pick(item) });
        const label = outcome.label;
        const counted: Outcome = label === 'false_positive' ? 'false_positive' : outcome.revoked ? 'revoked' : 'duplicate';
        metrics[counted]++;
        log({ at: new Date().toISOString(), requestId, reporter, tokenHash: tokenHash.slice(0, 16), outcome: counted, ...(label === 'true_positive' ? { keyId: outcome.keyId } : {}) });
        if (label === 'true_positive' && outcome.revoked) options.onRevoked?.(outcome.keyId, { reporter, ...pick(item) });
        out.push({ token_hash: tokenHash, token_type: item.type ?? '', label });
      }
      return out;
    });
    send(response, 200, answers);
  }

  function reject(response: ServerResponse, outcome: Outcome, status: number, message: string, headers: Record<string, string> = {}, unreadBody = false): void {
    metrics[outcome]++;
    log({ at: new Date().toISOString(), outcome, status, message });
    // Answer without reading an unwanted body, and close the connection so it is not read either.
    if (unreadBody) headers = { ...headers, connection: 'close' };
    send(response, status, { error: message }, headers);
  }

  return Object.assign(server, { metrics });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function pick(item: LeakItem): { url?: string; source?: string; type?: string } {
  return { ...(item.url === undefined ? {} : { url: item.url }), ...(item.source === undefined ? {} : { source: item.source }), ...(item.type === undefined ? {} : { type: item.type }) };
}

/** The raw body up to `limit` bytes (undefined past it: the request is cut off, nothing is buffered further). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** GitHub's payload: a JSON array of {token, type, url, source}; anything else is a one-line 400 reason. */
function parseItems(body: Buffer, maxTokens: number): LeakItem[] | string {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return `malformed JSON: ${(error as Error).message.split('\n')[0]}`;
  }
  if (!Array.isArray(document)) return 'expected a JSON array of {token, type, url, source}';
  if (document.length === 0) return 'empty report';
  if (document.length > maxTokens) return `at most ${maxTokens} tokens per report`;
  const items: LeakItem[] = [];
  for (const [index, entry] of document.entries()) {
    const { token, type, url, source } = (entry ?? {}) as Record<string, unknown>;
    if (typeof token !== 'string' || token === '' || token.length > 1024) return `[${index}].token must be a non-empty string of at most 1024 characters`;
    for (const [field, value] of [['type', type], ['url', url], ['source', source]] as const) {
      if (value !== undefined && typeof value !== 'string') return `[${index}].${field} must be a string`;
    }
    items.push({ token, ...(typeof type === 'string' ? { type } : {}), ...(typeof url === 'string' ? { url } : {}), ...(typeof source === 'string' ? { source } : {}) });
  }
  return items;
}

/**
 * Decoys fill the answer up to a power of two (at least 16). They are derived from the bucket's real
 * hashes, so the same question gets the same answer (no averaging attack across repeated queries), and
 * nobody who lacks those hashes can tell decoys from real entries.
 */
function padRange(prefix: string, real: { suffix: string; status: string }[]): { suffix: string; status: string }[] {
  let size = RANGE_MIN_ENTRIES;
  while (size < real.length) size *= 2;
  const seed = createHash('sha256').update(`keyward/range/v1\0${prefix}\0${real.map((entry) => entry.suffix).join(',')}`).digest();
  const entries = [...real];
  for (let i = 0; entries.length < size; i++) {
    const decoy = createHash('sha256').update(seed).update(String(i)).digest('hex').slice(5);
    entries.push({ suffix: decoy, status: decoy.charCodeAt(0) % 2 === 0 ? 'live' : 'revoked' });
  }
  return entries.sort((a, b) => (a.suffix < b.suffix ? -1 : 1));
}

function prometheus(metrics: Record<string, number>): string {
  const lines = ['# HELP keyward_server_requests_total Requests and reported tokens by outcome.', '# TYPE keyward_server_requests_total counter'];
  for (const [outcome, count] of Object.entries(metrics)) lines.push(`keyward_server_requests_total{outcome="${outcome}"} ${count}`);
  return `${lines.join('\n')}\n`;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
