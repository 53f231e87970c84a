import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { KeywardError, describeFsError } from '../errors.js';
import type { Verification, Verifier } from './types.js';

export type KnownStatus = 'live' | 'revoked';

/**
 * Where a scanner learns whether a candidate is a live key, without sending it anywhere: a local export of
 * hashes (`keyward keys export-hashes`), an issuer's SQLite database, or an issuer's range endpoint, which
 * is sent only the first 5 hex characters of each SHA-256 (k-anonymity) and answers with every suffix it
 * knows under that prefix, to be compared here.
 */
export interface HashSource {
  readonly description: string;
  lookup(sha256Hexes: readonly string[]): Promise<Map<string, KnownStatus>>;
  close(): Promise<void>;
}

export interface HashSourceOptions {
  /** How long range lookups may take in all, waits for the issuer's rate limit included; default 60 s. */
  budgetMs?: number;
  /** Where "some candidates were not checked" is said; default stderr. */
  warn?: (message: string) => void;
}

export async function openHashSource(spec: string, options: HashSourceOptions = {}): Promise<HashSource> {
  if (/^https?:\/\//i.test(spec)) return rangeSource(spec, options);
  if (/^postgres(?:ql)?:\/\//i.test(spec) || isSqliteFile(spec)) return databaseSource(spec);
  return exportFileSource(spec);
}

function isSqliteFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new KeywardError(`--verify-hashes ${path}: ${describeFsError(error)}`);
  }
  try {
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    return header.toString('latin1') === 'SQLite format 3\0';
  } finally {
    closeSync(fd);
  }
}

/** One `<sha256 hex> <live|revoked>` per line; `#` comments. */
export function parseHashExport(text: string, where: string): Map<string, KnownStatus> {
  const known = new Map<string, KnownStatus>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([0-9a-f]{64})\s+(live|revoked)$/.exec(line);
    if (match === null) throw new KeywardError(`${where}:${index + 1}: expected "<sha256 hex> live|revoked"`);
    known.set(match[1]!, match[2] as KnownStatus);
  });
  return known;
}

function exportFileSource(path: string): HashSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeywardError(`--verify-hashes ${path}: ${describeFsError(error)}`);
  }
  const known = parseHashExport(text, path);
  return {
    description: path,
    lookup: async (hashes) => new Map(hashes.flatMap((hash) => (known.has(hash) ? [[hash, known.get(hash)!] as const] : []))),
    close: async () => undefined,
  };
}

async function databaseSource(path: string): Promise<HashSource> {
  const { openKeyStore, livenessOf } = await import('../issuer/index.js');
  const store = await openKeyStore(path);
  const settings = await store.readSettings();
  if (settings?.hashAlgorithm !== 'sha256') {
    await store.close();
    throw new KeywardError(`--verify-hashes ${path}: ${settings === undefined ? 'not an initialised key database' : 'this database hashes with a pepper, so SHA-256 lookups cannot match; ask the issuer instead'}`);
  }
  return {
    description: store.location,
    lookup: async (hashes) => {
      const now = Date.now();
      const out = new Map<string, KnownStatus>();
      for (const hash of hashes) {
        const record = await store.findKeyByHash(hash);
        if (record === undefined) continue;
        out.set(hash, livenessOf(record, now));
      }
      return out;
    },
    close: () => store.close(),
  };
}

const DEFAULT_BUDGET_MS = 60_000;
/** The server's batch limit (src/server/app.ts MAX_PREFIXES_PER_BATCH). */
const PREFIXES_PER_REQUEST = 100;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Network errors and 5xx answers in a row before the rest is given up on. */
const MAX_FAILURES = 5;

type RangeAnswer =
  | { kind: 'ok'; ranges: { prefix: string; entries: unknown }[]; deferred: string[]; retryAfterMs: number | undefined }
  | { kind: 'wait'; retryAfterMs: number | undefined; why: string }
  | { kind: 'failed'; why: string }
  | { kind: 'no-batch' };

/**
 * The issuer's k-anonymity endpoint. Prefixes go 100 to a request (`POST /v1/hashes/ranges`; an issuer
 * without it is asked one `GET /v1/hashes/range/{prefix}` at a time). The issuer rate-limits lookups per
 * client: a 429 (or a partial answer) is waited out as its Retry-After says, other failures back off
 * exponentially, both with jitter so many scanners do not retry in step. Nothing waits past the budget:
 * what is left then stays unknown, and the warning says how many and why. Only an answer that shows the
 * URL is not an issuer (404, 401…) is an error.
 */
function rangeSource(base: string, options: HashSourceOptions): HashSource {
  const root = base.replace(/\/+$/, '').replace(/\/v1\/hashes\/ranges?$/, '');
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const warn = options.warn ?? ((message: string) => process.stderr.write(`keyward: warning: ${message}\n`));
  let batches = true;
  return {
    description: root,
    lookup: async (hashes) => {
      const deadline = Date.now() + budgetMs;
      const byPrefix = new Map<string, string[]>();
      for (const hash of hashes) byPrefix.set(hash.slice(0, 5), [...(byPrefix.get(hash.slice(0, 5)) ?? []), hash]);
      const out = new Map<string, KnownStatus>();
      const queue = [...byPrefix.keys()];
      let failures = 0;
      let stopped: string | undefined;
      while (queue.length > 0 && stopped === undefined) {
        const asked = batches ? queue.slice(0, PREFIXES_PER_REQUEST) : queue.slice(0, 1);
        const answer = await askRanges(root, asked, batches, deadline);
        if (answer.kind === 'no-batch') {
          batches = false;
          continue;
        }
        let waitMs: number | undefined;
        if (answer.kind === 'ok') {
          failures = 0;
          for (const range of answer.ranges) {
            const index = queue.indexOf(range.prefix);
            if (index < 0) continue;
            queue.splice(index, 1);
            matchRange(range.entries, byPrefix.get(range.prefix) ?? [], out);
          }
          if (answer.ranges.length === 0 && answer.deferred.length === 0) {
            stopped = 'the issuer answered without any range';
            break;
          }
          if (answer.deferred.length > 0) waitMs = withJitter(answer.retryAfterMs ?? BACKOFF_FIRST_MS);
        } else if (answer.kind === 'wait') {
          failures++;
          waitMs = withJitter(answer.retryAfterMs ?? backoff(failures));
          if (answer.retryAfterMs === undefined && failures > MAX_FAILURES) stopped = answer.why;
        } else {
          failures++;
          waitMs = withJitter(backoff(failures));
          if (failures > MAX_FAILURES) stopped = answer.why;
        }
        if (stopped !== undefined || waitMs === undefined || queue.length === 0) continue;
        if (Date.now() + waitMs > deadline) {
          stopped = answer.kind === 'failed' ? answer.why : `the issuer rate-limits range lookups and asked to wait ${Math.ceil(waitMs / 1000)} s, past the ${Math.round(budgetMs / 1000)} s budget`;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
      if (queue.length > 0) {
        const left = queue.reduce((sum, prefix) => sum + (byPrefix.get(prefix)?.length ?? 0), 0);
        warn(`--verify-hashes ${root}: ${left} of ${hashes.length} candidate(s) not checked (${stopped ?? 'out of time'}); they are reported as unknown`);
      }
      return out;
    },
    close: async () => undefined,
  };
}

async function askRanges(root: string, prefixes: string[], batch: boolean, deadline: number): Promise<RangeAnswer> {
  let response: Response;
  try {
    const timeout = AbortSignal.timeout(Math.max(1000, Math.min(10_000, deadline - Date.now())));
    response = batch
      ? await fetch(`${root}/v1/hashes/ranges`, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ prefixes }), signal: timeout })
      : await fetch(`${root}/v1/hashes/range/${prefixes[0]}`, { headers: { accept: 'application/json' }, signal: timeout });
  } catch (error) {
    return { kind: 'failed', why: (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message };
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  if (batch && (response.status === 404 || response.status === 405)) {
    await response.arrayBuffer().catch(() => undefined);
    return { kind: 'no-batch' };
  }
  if (response.status === 429 || response.status === 503) {
    await response.arrayBuffer().catch(() => undefined);
    return { kind: 'wait', retryAfterMs, why: `HTTP ${response.status}` };
  }
  if (response.status >= 500) {
    await response.arrayBuffer().catch(() => undefined);
    return { kind: 'failed', why: `HTTP ${response.status}` };
  }
  if (!response.ok) throw new KeywardError(`--verify-hashes ${root}: HTTP ${response.status} for ${batch ? 'a batch of ranges' : `range ${prefixes[0]}`}; is this a keyward issuer URL?`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { kind: 'failed', why: 'the issuer sent an answer that is not JSON' };
  }
  if (!batch) return { kind: 'ok', ranges: [{ prefix: prefixes[0]!, entries: (body as { entries?: unknown } | null)?.entries }], deferred: [], retryAfterMs };
  const { ranges, deferred } = (body ?? {}) as { ranges?: unknown; deferred?: unknown };
  return {
    kind: 'ok',
    ranges: Array.isArray(ranges) ? ranges.map((range: unknown) => ({ prefix: String((range as { prefix?: unknown } | null)?.prefix), entries: (range as { entries?: unknown } | null)?.entries })) : [],
    deferred: Array.isArray(deferred) ? deferred.map(String) : [],
    retryAfterMs,
  };
}

function matchRange(entries: unknown, wanted: readonly string[], out: Map<string, KnownStatus>): void {
  if (!Array.isArray(entries)) return;
  const bySuffix = new Map(entries.map((entry: { suffix?: unknown; status?: unknown } | null) => [String(entry?.suffix), entry?.status === 'live' ? 'live' : 'revoked'] as const));
  for (const hash of wanted) {
    const status = bySuffix.get(hash.slice(5));
    if (status !== undefined) out.set(hash, status);
  }
}

/** Seconds, or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function backoff(failures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, failures - 1));
}

/** Up to a quarter more, at random: clients told the same Retry-After do not all come back at once. */
function withJitter(ms: number): number {
  return Math.round(ms * (1 + Math.random() * 0.25));
}

/**
 * The issuer's hashes as a Verifier: every candidate applies (an issuer's own keys match whatever rule its
 * pattern file adds), nothing secret leaves the process, and a hash the store does not know is `unknown`.
 */
export function issuerHashVerifier(spec: string): Verifier {
  return {
    name: 'issuer-hashes',
    // A scrypt-hashed (low-entropy) secret can never match an issuer's SHA-256 store: not worth a lookup.
    appliesTo: (candidate) => candidate.secretHashAlgorithm !== 'scrypt',
    async verify(candidates, context) {
      const hashes = [...new Set(candidates.map((candidate) => candidate.secretSha256))];
      const out = new Map<string, Verification>();
      if (hashes.length === 0) return out;
      const source = await openHashSource(spec, { budgetMs: Math.max(1000, Math.min(DEFAULT_BUDGET_MS, context.deadline - Date.now())), warn: context.warn });
      let known: Map<string, KnownStatus>;
      try {
        known = await source.lookup(hashes);
      } finally {
        await source.close();
      }
      for (const hash of hashes) {
        const status = known.get(hash);
        out.set(hash, status === undefined ? { status: 'unknown', by: 'issuer-hashes', reason: 'not-in-store' } : { status, by: 'issuer-hashes' });
      }
      return out;
    },
  };
}
