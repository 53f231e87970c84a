import { setTimeout as sleep } from 'node:timers/promises';
import { KeywardError } from '../errors.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { Detail, ProviderSpec } from './providers/spec.js';
import type { Verification, VerifyCandidate, VerifyContext } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_PER_SECOND = 10;
export const DEFAULT_CONCURRENCY = 4;
/** A body larger than this is not a documented answer of any endpoint used here. */
const MAX_BODY_BYTES = 256 * 1024;
const MAX_REDIRECTS = 3;
/** Retries after a 429 that named a Retry-After, never after a refusal. */
const MAX_RATE_LIMIT_RETRIES = 2;

/**
 * Only HTTPS leaves the machine. Plain http is allowed to loopback alone, for a local proxy or a test
 * stand-in, because nothing on the wire can read it there.
 */
export function checkEndpoint(url: string, where: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KeywardError(`${where}: not a URL: ${url}`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && isLoopback(parsed.hostname)) return parsed;
  throw new KeywardError(`${where}: ${parsed.protocol}//${parsed.host} is not allowed: validation uses https, or http only to loopback (127.0.0.0/8, ::1, localhost)`);
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * One provider's share of the network: at most `concurrency` requests in flight and `perSecond` started
 * per second (a token bucket holding one second's worth), paused as a whole after a 429 with Retry-After.
 * Waiting never outlives the run's deadline: `acquire` answers false instead.
 */
export class Lane {
  readonly #perSecond: number;
  readonly #concurrency: number;
  #tokens: number;
  #refilledAt = Date.now();
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  #pausedUntil = 0;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(perSecond = DEFAULT_PER_SECOND, concurrency = DEFAULT_CONCURRENCY) {
    this.#perSecond = Math.max(perSecond, 0.001);
    this.#concurrency = Math.max(1, Math.floor(concurrency));
    this.#tokens = Math.max(1, Math.min(this.#perSecond, this.#concurrency));
  }

  async acquire(deadline: number): Promise<boolean> {
    if (this.#active < this.#concurrency) this.#active++;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve)); // handed a slot by release()
    // Tokens are taken in arrival order, one caller at a time, so a burst cannot overdraw the bucket.
    const turn = this.#turn.then(() => this.#takeToken(deadline));
    this.#turn = turn.catch(() => undefined);
    const granted = await turn;
    if (!granted) this.release();
    return granted;
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#active--;
    else next();
  }

  pause(untilMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, untilMs);
  }

  async #takeToken(deadline: number): Promise<boolean> {
    const capacity = Math.max(1, Math.min(this.#perSecond, this.#concurrency));
    for (;;) {
      const now = Date.now();
      this.#tokens = Math.min(capacity, this.#tokens + ((now - this.#refilledAt) / 1000) * this.#perSecond);
      this.#refilledAt = now;
      const paused = this.#pausedUntil - now;
      if (paused <= 0 && this.#tokens >= 1) {
        this.#tokens -= 1;
        return true;
      }
      const wait = Math.max(paused, ((1 - this.#tokens) / this.#perSecond) * 1000, 1);
      if (now + wait >= deadline) return false;
      await sleep(wait);
    }
  }
}

interface Answer {
  status: number;
  mime: string;
  headers: Headers;
  text: string;
}

type Sent = { answer: Answer } | { reason: string };

export interface ProviderCall {
  spec: ProviderSpec;
  candidate: VerifyCandidate;
  /** The base URL in use (default or `--validate-endpoint`), already checked. */
  base: string;
  lane: Lane;
  context: VerifyContext;
}

/** Asks one provider about one secret and classifies the answer. Never throws; never returns the secret. */
export async function checkWithProvider(call: ProviderCall): Promise<Verification> {
  const { spec, candidate, lane, context } = call;
  const by = spec.name;
  let base: URL;
  try {
    base = checkEndpoint(call.base, `--validate-endpoint ${by}`);
  } catch {
    return { status: 'unknown', by, reason: 'bad-endpoint' };
  }
  let request: ReturnType<ProviderSpec['request']>;
  try {
    request = spec.request(candidate, base);
  } catch {
    return { status: 'unknown', by, reason: 'malformed' };
  }
  if ('cannot' in request) return { status: 'unknown', by, reason: request.cannot };
  const url = new URL(joinUrl(call.base, request.path));
  if (url.origin !== base.origin) return { status: 'unknown', by, reason: 'bad-endpoint' };
  for (let attempt = 0; ; attempt++) {
    if (Date.now() >= context.deadline || !(await lane.acquire(context.deadline))) return { status: 'unknown', by, reason: 'budget' };
    let sent: Sent;
    try {
      sent = await send(url, request, context);
    } finally {
      lane.release();
    }
    if ('reason' in sent) return { status: 'unknown', by, reason: sent.reason };
    const { answer } = sent;
    if (answer.status === 429) {
      const wait = retryAfterMs(answer.headers.get('retry-after'));
      if (wait !== undefined) lane.pause(Date.now() + wait);
      if (wait !== undefined && attempt < MAX_RATE_LIMIT_RETRIES && Date.now() + wait < context.deadline) continue;
      return { status: 'unknown', by, reason: 'rate-limited' };
    }
    return classify(spec, answer, candidate.secret);
  }
}

/** live / invalid / unknown from one answer: the whole policy of "live means proven" is here. */
export function classify(spec: ProviderSpec, answer: Answer, secret: string): Verification {
  const by = spec.name;
  const format = spec.format ?? 'json';
  const wanted = format === 'json' ? answer.mime === 'application/json' || answer.mime.endsWith('+json') : answer.mime === 'text/xml' || answer.mime === 'application/xml';
  let body: unknown;
  let parsed = false;
  if (wanted) {
    if (format === 'json') {
      try {
        body = JSON.parse(answer.text) as unknown;
        parsed = true;
      } catch {
        parsed = false;
      }
    } else {
      body = answer.text;
      parsed = true;
    }
  }
  if (parsed && spec.live.status.includes(answer.status)) {
    let detail: Detail | undefined;
    try {
      detail = spec.live.detail(body, answer.headers);
    } catch {
      detail = undefined;
    }
    if (detail !== undefined) {
      const safe = scrubDetail(detail, secret);
      return Object.keys(safe).length === 0 ? { status: 'live', by } : { status: 'live', by, detail: safe };
    }
  }
  if (parsed && spec.refused.status.includes(answer.status)) {
    let refused = false;
    try {
      refused = spec.refused.match(body, answer.headers, answer.status);
    } catch {
      refused = false;
    }
    if (refused) return { status: 'invalid', by };
  }
  if (parsed && spec.live.status.includes(answer.status)) {
    return { status: 'unknown', by, reason: 'bad-shape' };
  }
  return { status: 'unknown', by, reason: `unexpected-status ${answer.status} ${answer.mime === '' ? 'no-content-type' : answer.mime}` };
}

const MAX_DETAIL_STRING = 200;
const MAX_DETAIL_LIST = 50;

/**
 * Detail is printed in reports, so it must never carry the key: a value holding the secret (or a long
 * piece of it, as some APIs echo a key's prefix back) is dropped, and long values are cut.
 */
export function scrubDetail(detail: Detail, secret: string): Detail {
  const pieces = secret.length >= 12 ? [secret, secret.slice(0, 12), secret.slice(-12)] : [secret];
  const leaks = (text: string) => secret.length > 0 && pieces.some((piece) => text.includes(piece));
  const out: Detail = {};
  for (const [key, value] of Object.entries(detail)) {
    if (typeof value === 'string') {
      if (!leaks(value)) out[key] = value.slice(0, MAX_DETAIL_STRING);
    } else if (Array.isArray(value)) {
      out[key] = value.filter((item) => !leaks(item)).slice(0, MAX_DETAIL_LIST).map((item) => item.slice(0, MAX_DETAIL_STRING));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Seconds or an HTTP date; undefined when absent or unreadable (then a 429 is not retried). */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
}

const USER_AGENT = `${TOOL_NAME}/${TOOL_VERSION} (secret validation)`;

async function send(url: URL, request: { method: string; headers: Record<string, string>; body?: string }, context: VerifyContext): Promise<Sent> {
  const remaining = context.deadline - Date.now();
  if (remaining <= 0) return { reason: 'budget' };
  const budgetBound = remaining < context.timeoutMs;
  const signal = AbortSignal.timeout(Math.min(context.timeoutMs, remaining));
  let method = request.method;
  let body = request.body;
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(current, {
        method,
        headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...request.headers },
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal,
      });
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel();
        const next = new URL(response.headers.get('location')!, current);
        // The key rides in a header: following a redirect to anyone else would hand it to them.
        if (next.origin !== current.origin) return { reason: 'redirect-to-other-host' };
        if (hop >= MAX_REDIRECTS) return { reason: 'too-many-redirects' };
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        current = next;
        continue;
      }
      const text = await readCapped(response);
      if (text === undefined) return { reason: 'body-too-large' };
      const mime = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      return { answer: { status: response.status, mime, headers: response.headers, text } };
    }
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { reason: budgetBound ? 'budget' : 'timeout' };
    return { reason: 'network' };
  }
}

async function readCapped(response: Response): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return undefined; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
