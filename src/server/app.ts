import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Issuer } from '../issuer/issuer.js';
import { TokenBuckets } from '../issuer/rate-limit.js';
import { PublicKeysUnavailable, verifySignature, type PublicKeySource } from './public-keys.js';

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
  /** Range lookups (prefixes) per minute per client address; default 120. */
  rangeLookupsPerMinute?: number;
  /** How long a client may take to send its request headers; default 10 s. */
  headersTimeoutMs?: number;
  /** How long a client may take to send its whole request; default 15 s. */
  requestTimeoutMs?: number;
  /** One JSON object per line; never holds a raw token. Default: stderr. */
  log?: (entry: Record<string, unknown>) => void;
  /** Called after a key was revoked because of a report (owner notification). */
  onRevoked?: (keyId: string, details: Record<string, unknown>) => void;
}

/**
 * `aborted` (the client hung up mid-request) and `timeout` (it was too slow to send headers or body) are the
 * client's doing and counted apart from `error`, which is ours; `unavailable` is a reporter key list that
 * could not be fetched.
 */
export const OUTCOMES = [
  'revoked',
  'duplicate',
  'false_positive',
  'bad_request',
  'unauthorized',
  'too_large',
  'unsupported_media_type',
  'rate_limited',
  'range_lookup',
  'unavailable',
  'aborted',
  'timeout',
  'error',
] as const;
type Outcome = (typeof OUTCOMES)[number];

/** Prefixes per `POST /v1/hashes/ranges` request. */
export const MAX_PREFIXES_PER_BATCH = 100;

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

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? 15_000, headersTimeout);
  // Node checks both timeouts only every `connectionsCheckingInterval` (30 s by default), so a slow client
  // kept its connection for up to 30 s whatever the timeout said; checking at a tenth of the shorter one
  // makes the documented timeout hold within 10 %.
  const checkEvery = Math.min(1000, Math.max(50, Math.floor(headersTimeout / 10)));
  const failedSockets = new WeakSet<Socket>();
  const server = createServer({ headersTimeout, requestTimeout, connectionsCheckingInterval: checkEvery, keepAliveTimeout: 5_000 }, (request, response) => {
    const requestId = randomUUID();
    handle(request, response, requestId).catch((error: unknown) => {
      const outcome = clientFault(error, request);
      // A timeout or hang-up is reported twice by node (to the connection and to the request): count it once.
      if (outcome === 'error' || !failedSockets.has(request.socket)) {
        failedSockets.add(request.socket);
        metrics[outcome]++;
        log({ at: new Date().toISOString(), requestId, outcome, message: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      }
      if (outcome !== 'error') response.destroy();
      else if (!response.headersSent) send(response, 500, { error: 'internal error', requestId });
      else response.destroy();
    });
  });
  // Errors on a connection before a request was handed over: slow headers, garbage, a hang-up.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const outcome: Outcome =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'timeout' : error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.code === 'HPE_INVALID_EOF_STATE' ? 'aborted' : 'bad_request';
    if (!failedSockets.has(socket)) {
      failedSockets.add(socket);
      metrics[outcome]++;
      log({ at: new Date().toISOString(), outcome, message: error.code ?? error.message.split('\n')[0] });
    }
    if (socket.writable && outcome !== 'aborted') {
      const status = outcome === 'timeout' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    }
    socket.destroy();
  });

  async function handle(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/healthz') return send(response, 200, { ok: true });
    if (request.method === 'GET' && url.pathname === '/metrics') return sendText(response, 200, prometheus(metrics));
    const range = /^\/v1\/hashes\/range\/([^/]*)$/.exec(url.pathname);
    if (request.method === 'GET' && range !== null) return rangeLookup(request, response, range[1]!);
    if (url.pathname === '/v1/hashes/ranges') {
      if (request.method !== 'POST') return send(response, 405, { error: 'use POST' }, { allow: 'POST' });
      return rangeBatch(request, response);
    }
    if (url.pathname === '/v1/leaks') {
      if (request.method !== 'POST') return send(response, 405, { error: 'use POST' }, { allow: 'POST' });
      return leakReport(request, response, requestId);
    }
    return send(response, 404, { error: 'not found' });
  }

  const rangeLimit = options.rangeLookupsPerMinute ?? 120;

  async function rangeLookup(request: IncomingMessage, response: ServerResponse, prefix: string): Promise<void> {
    if (!/^[0-9a-fA-F]{5}$/.test(prefix)) return reject(response, 'bad_request', 400, 'the range is the first 5 hex characters of a SHA-256');
    const client = request.socket.remoteAddress ?? '?';
    if (rangeBuckets.takeUpTo(client, 1, rangeLimit, Date.now()) === 0) {
      return reject(response, 'rate_limited', 429, 'too many range lookups; slow down', { 'retry-after': retryAfter(client, 1) });
    }
    metrics.range_lookup++;
    const low = prefix.toLowerCase();
    send(response, 200, { prefix: low, entries: await options.issuer.rangeLookup(low) }, { 'cache-control': 'no-store' });
  }

  /** Seconds until `count` lookups (at most a full bucket) are allowed again. */
  function retryAfter(client: string, count: number): string {
    return String(Math.max(1, Math.ceil(rangeBuckets.msUntil(client, Math.min(count, rangeLimit), rangeLimit, Date.now()) / 1000)));
  }

  /**
   * `POST /v1/hashes/ranges` `{"prefixes":["abcde",…]}` (at most 100): one round trip for many prefixes, each
   * counted against the same per-client limit as a single lookup. What the limit allows now is answered;
   * the rest comes back in `deferred` with a Retry-After for all of it, so a client waits once, not per prefix.
   */
  async function rangeBatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, 64 * 1024);
    if (body === undefined) return reject(response, 'too_large', 413, 'body over 65536 bytes');
    let prefixes: unknown;
    try {
      prefixes = (JSON.parse(body.toString('utf8')) as { prefixes?: unknown } | null)?.prefixes;
    } catch {
      return reject(response, 'bad_request', 400, 'expected {"prefixes": ["5 hex", …]}');
    }
    if (!Array.isArray(prefixes) || prefixes.length === 0 || prefixes.length > MAX_PREFIXES_PER_BATCH) {
      return reject(response, 'bad_request', 400, `expected {"prefixes": [1 to ${MAX_PREFIXES_PER_BATCH} strings of 5 hex characters]}`);
    }
    const wanted = [...new Set(prefixes.map((prefix) => String(prefix).toLowerCase()))];
    const bad = wanted.findIndex((prefix) => !/^[0-9a-f]{5}$/.test(prefix));
    if (bad >= 0) return reject(response, 'bad_request', 400, `prefixes[${bad}]: the first 5 hex characters of a SHA-256`);
    const client = request.socket.remoteAddress ?? '?';
    const allowed = rangeBuckets.takeUpTo(client, wanted.length, rangeLimit, Date.now());
    if (allowed === 0) return reject(response, 'rate_limited', 429, 'too many range lookups; slow down', { 'retry-after': retryAfter(client, wanted.length) });
    metrics.range_lookup += allowed;
    const ranges = [];
    for (const prefix of wanted.slice(0, allowed)) ranges.push({ prefix, entries: await options.issuer.rangeLookup(prefix) });
    const deferred = wanted.slice(allowed);
    send(response, 200, { ranges, deferred }, { 'cache-control': 'no-store', ...(deferred.length > 0 ? { 'retry-after': retryAfter(client, deferred.length) } : {}) });
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
    let publicKey;
    try {
      publicKey = await options.publicKeys.find(keyId);
    } catch (error) {
      if (!(error instanceof PublicKeysUnavailable)) throw error;
      return reject(response, 'unavailable', 503, 'the reporter key list cannot be fetched; try again later', { 'retry-after': String(error.retryAfterSeconds) });
    }
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

/** Whether a failed request was the client's doing (hung up, too slow) or ours. */
function clientFault(error: unknown, request: IncomingMessage): Outcome {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (request.destroyed && !request.complete)) return 'aborted';
  return 'error';
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
    // A client that hangs up mid-body: without this the promise would wait forever.
    request.on('close', () => {
      if (!request.complete) reject(Object.assign(new Error('the client closed the connection mid-request'), { code: 'ECONNABORTED' }));
    });
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
