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

export async function openHashSource(spec: string): Promise<HashSource> {
  if (/^https?:\/\//i.test(spec)) return rangeSource(spec);
  if (isSqliteFile(spec)) return databaseSource(spec);
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
  const { SqliteKeyStore, livenessOf } = await import('../issuer/index.js');
  const store = new SqliteKeyStore(path);
  const settings = await store.readSettings();
  if (settings?.hashAlgorithm !== 'sha256') {
    await store.close();
    throw new KeywardError(`--verify-hashes ${path}: ${settings === undefined ? 'not an initialised key database' : 'this database hashes with a pepper, so SHA-256 lookups cannot match; ask the issuer instead'}`);
  }
  return {
    description: path,
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

function rangeSource(base: string): HashSource {
  const root = base.replace(/\/+$/, '').replace(/\/v1\/hashes\/range$/, '');
  return {
    description: root,
    lookup: async (hashes) => {
      const byPrefix = new Map<string, string[]>();
      for (const hash of hashes) byPrefix.set(hash.slice(0, 5), [...(byPrefix.get(hash.slice(0, 5)) ?? []), hash]);
      const out = new Map<string, KnownStatus>();
      for (const [prefix, wanted] of byPrefix) {
        let response: Response;
        try {
          response = await fetch(`${root}/v1/hashes/range/${prefix}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
        } catch (error) {
          throw new KeywardError(`--verify-hashes ${root}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
        }
        if (!response.ok) throw new KeywardError(`--verify-hashes ${root}: HTTP ${response.status} for range ${prefix}`);
        const body = (await response.json()) as { entries?: { suffix?: unknown; status?: unknown }[] };
        const bySuffix = new Map((body.entries ?? []).map((entry) => [String(entry.suffix), entry.status === 'live' ? 'live' : 'revoked'] as const));
        for (const hash of wanted) {
          const status = bySuffix.get(hash.slice(5));
          if (status !== undefined) out.set(hash, status);
        }
      }
      return out;
    },
    close: async () => undefined,
  };
}

/**
 * The issuer's hashes as a Verifier: every candidate applies (an issuer's own keys match whatever rule its
 * pattern file adds), nothing secret leaves the process, and a hash the store does not know is `unknown`.
 */
export function issuerHashVerifier(spec: string): Verifier {
  return {
    name: 'issuer-hashes',
    appliesTo: () => true,
    async verify(candidates) {
      const hashes = [...new Set(candidates.map((candidate) => candidate.secretSha256))];
      const out = new Map<string, Verification>();
      if (hashes.length === 0) return out;
      const source = await openHashSource(spec);
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
