/**
 * A baseline: findings a team has accepted, keyed by rule id + SHA-256 of the secret + path. No line or
 * column, so a finding stays hidden when lines above it change or its line moves; a new key in the same
 * file has another hash and is reported. The raw secret is never stored.
 *
 * The file is JSON with one entry per line, sorted by path, rule id and hash, so that two branches that
 * each add entries merge cleanly (or with a conflict a human reads in seconds).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { KeywardError, describeFsError } from '../errors.js';
import type { Finding } from '../engine/finding.js';

/**
 * `secretSha256` is the finding's identity hash: a plain SHA-256 for high-entropy keys, scrypt for
 * passwords and other low-entropy secrets, which the file then marks with `"hash": "scrypt"` so a reader
 * knows a dictionary cannot simply be run against it.
 */
export interface BaselineEntry {
  path: string;
  ruleId: string;
  secretSha256: string;
  hash?: 'scrypt';
}

export const BASELINE_VERSION = 1;

export function baselineKey(entry: BaselineEntry): string {
  return `${entry.ruleId}\0${entry.secretSha256}\0${entry.path}`;
}

export function entryOf(finding: Finding): BaselineEntry {
  return { path: finding.path, ruleId: finding.ruleId, secretSha256: finding.secretSha256, ...(finding.secretHashAlgorithm === 'scrypt' ? { hash: 'scrypt' as const } : {}) };
}

/** Unique entries in a stable order. */
export function sortEntries(entries: Iterable<BaselineEntry>): BaselineEntry[] {
  const unique = new Map<string, BaselineEntry>();
  for (const entry of entries) unique.set(baselineKey(entry), { path: entry.path, ruleId: entry.ruleId, secretSha256: entry.secretSha256, ...(entry.hash === undefined ? {} : { hash: entry.hash }) });
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...unique.values()].sort((a, b) => compare(a.path, b.path) || compare(a.ruleId, b.ruleId) || compare(a.secretSha256, b.secretSha256));
}

export function formatBaseline(entries: Iterable<BaselineEntry>): string {
  const lines = sortEntries(entries).map((entry) => `    ${JSON.stringify(entry)}`);
  return `{\n  "version": ${BASELINE_VERSION},\n  "tool": "keyward",\n  "entries": [\n${lines.join(',\n')}${lines.length > 0 ? '\n' : ''}  ]\n}\n`;
}

export function writeBaseline(file: string, entries: Iterable<BaselineEntry>): number {
  const text = formatBaseline(entries);
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new KeywardError(`cannot write baseline ${file}: ${describeFsError(error)}`);
  }
  return sortEntries(entries).length;
}

export function readBaseline(file: string): BaselineEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KeywardError(`cannot read baseline ${file}: ${describeFsError(error)}`, { hint: 'create one with keyward scan --baseline-write FILE' });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new KeywardError(`${file}: the baseline is not valid JSON (${error instanceof Error ? error.message : String(error)})`, {
      hint: 'after a merge conflict, keep both sides\' entries (one per line) and run keyward baseline prune',
    });
  }
  const entries = (data as { entries?: unknown } | null)?.entries;
  if ((data as { version?: unknown } | null)?.version !== BASELINE_VERSION || !Array.isArray(entries)) {
    throw new KeywardError(`${file}: not a keyward baseline (expected {"version": 1, "entries": [...]})`);
  }
  return entries.map((entry: unknown, index) => {
    const e = entry as Partial<BaselineEntry> | null;
    if (typeof e?.path !== 'string' || typeof e.ruleId !== 'string' || typeof e.secretSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.secretSha256)) {
      throw new KeywardError(`${file}: entry ${index + 1} needs path, ruleId and a 64-hex secretSha256`);
    }
    if (e.hash !== undefined && e.hash !== 'scrypt') throw new KeywardError(`${file}: entry ${index + 1}: unknown hash '${String(e.hash)}' (expected scrypt, or no hash field for SHA-256)`);
    return { path: e.path, ruleId: e.ruleId, secretSha256: e.secretSha256, ...(e.hash === undefined ? {} : { hash: e.hash }) };
  });
}

/** Splits findings into those the baseline does not know (reported) and those it hides. */
export function applyBaseline(findings: Finding[], entries: BaselineEntry[]): { kept: Finding[]; hidden: Finding[] } {
  const known = new Set(entries.map(baselineKey));
  const kept: Finding[] = [];
  const hidden: Finding[] = [];
  for (const finding of findings) (known.has(baselineKey(entryOf(finding))) ? hidden : kept).push(finding);
  return { kept, hidden };
}

/** Entries whose finding is still there (by rule, secret hash and path), given a fresh scan's findings. */
export function pruneBaseline(entries: BaselineEntry[], current: Finding[]): { kept: BaselineEntry[]; removed: BaselineEntry[] } {
  const present = new Set(current.map((finding) => baselineKey(entryOf(finding))));
  const kept: BaselineEntry[] = [];
  const removed: BaselineEntry[] = [];
  for (const entry of entries) (present.has(baselineKey(entry)) ? kept : removed).push(entry);
  return { kept, removed };
}
