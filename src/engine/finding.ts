import { createHash, scryptSync } from 'node:crypto';
import { shannonEntropy } from '../validators/entropy.js';
import type { Rule, Severity } from '../rules/types.js';
import type { Verification } from '../verify/types.js';
import type { Detection } from './detect.js';
import { stripLiteralPrefix } from './detect.js';
import type { JwtInfo } from './generic/jwt.js';

export type { Verification, VerificationStatus } from '../verify/types.js';

/** Every finding starts here; the verification stage replaces it with a verifier's answer. */
export const UNVERIFIED: Verification = Object.freeze({ status: 'unverified', by: 'none' });

/** Where a chunk came from. Sources fill it in; the engine copies it onto findings untouched. */
export interface Origin {
  /** POSIX path relative to the scan root (`-` for stdin). */
  path: string;
  /** Set for history and staged scans (issue: git sources). */
  commit?: CommitInfo;
  blob?: string;
  /** Set for container images: which layer of which image held the file. */
  layer?: LayerInfo;
}

export interface LayerInfo {
  /** The image's tags, comma-separated (or its manifest digest when it has none). */
  image: string;
  digest: string;
  /** 0 for the base layer. */
  index: number;
  /** The history line that made the layer (`RUN …`, `COPY …`), when the image config kept it. */
  createdBy?: string;
  /** A later layer deleted the file: gone from a container's filesystem, still in the image. */
  deleted: boolean;
}

export interface CommitInfo {
  sha: string;
  authorName: string;
  authorEmail: string;
  date: string;
  subject: string;
  /** A web page for the commit, when the repository's remote is a known forge. */
  url?: string;
}

export interface Appearance {
  commit: string;
  path: string;
}

/** One place a secret appears in history: a commit whose diff adds a blob holding it, at this path and line. */
export interface Occurrence {
  /** Absent when the history scanned does not show the commit that added the blob (e.g. --max-count). */
  commit?: string;
  path: string;
  line: number;
}

/** Where a history incident began: the earliest commit (by topology, then date) that added the secret. */
export interface Introduction {
  commit: CommitInfo;
  path: string;
  line: number;
}

export type IncidentStatus = 'present' | 'removed';

export interface Finding {
  ruleId: string;
  name: string;
  severity: Severity;
  path: string;
  /** 1-based; columns count UTF-16 code units; end exclusive. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Redacted unless the scan was asked to reveal secrets. */
  secret: string;
  /**
   * The secret's identity hash (baselines, fingerprints, grouping, issuer lookups): its plain SHA-256 for a
   * high-entropy key, but a slow salted scrypt hash for a low-entropy secret (a password), whose plain
   * SHA-256 a dictionary reverses at once. `secretHashAlgorithm` says which.
   */
  secretSha256: string;
  secretHashAlgorithm: SecretHashAlgorithm;
  /** sha256(ruleId, secretSha256, path): stable when lines move, changes when the key or file changes. */
  fingerprint: string;
  /** Whether the secret works, and who said so: `{status: 'unverified', by: 'none'}` until a verifier ran. */
  verification: Verification;
  commit?: CommitInfo;
  blob?: string;
  layer?: LayerInfo;
  appearances?: Appearance[];
  appearanceCount?: number;
  /** How the secret was decoded before it matched (e.g. `base64`), when it was. */
  decoded?: string[];
  /** Generic findings: how sure the scorer is, and the score behind it. */
  confidence?: 'high' | 'medium' | 'low';
  score?: number;
  /** A JWT's header and non-sensitive claims (never the signature). */
  jwt?: JwtInfo;
  /**
   * A paired secret's other parts by name (`{id: "AKIA…"}`): identifiers that are harmless alone, shown in
   * full so the pair can be found and revoked; the secret itself stays redacted.
   */
  parts?: Record<string, string>;
  /** History incidents (one finding per rule and secret): where it began. */
  introduced?: Introduction;
  /** Every place it appears, oldest first, capped (--max-occurrences); the count is always the total. */
  occurrences?: Occurrence[];
  occurrenceCount?: number;
  /** `present`: at the tip of at least one branch (`presentIn`); `removed`: at none (`removedIn` says by which commit). */
  status?: IncidentStatus;
  presentIn?: { ref: string; path: string }[];
  /** Each branch that had it and no longer does, with the commit that took it out (absent when git cannot say). */
  removedIn?: { ref: string; commit?: CommitInfo }[];
  /** The refs (branches, tags, remotes) from which it is reachable. */
  refs?: string[];
}

export type SecretHashAlgorithm = 'sha256' | 'scrypt';

/** A generic (context-found) value this random is a machine-made token, no dictionary's word. */
const HIGH_ENTROPY_BITS = 100;
/** scrypt cost: ~10 ms and 4 MiB per distinct weak secret, once per run (cached); a dictionary pays it per guess. */
const SCRYPT = { N: 4096, r: 8, p: 1, maxmem: 32 * 1024 * 1024 };
const SCRYPT_SALT = 'keyward/secret-hash/v1';
const scryptCache = new Map<string, string>();

/** Estimated bits of randomness: length times the per-character Shannon entropy. */
export function estimatedBits(secret: string): number {
  return secret.length * shannonEntropy(secret);
}

/**
 * A plain SHA-256 for provider keys (random by their format, and what an issuer's hash store matches) and for
 * generic values random enough to be machine-made; passwords and other low-entropy generic secrets get a
 * slow scrypt hash, so a dictionary cannot reverse the hash in a SARIF upload or a committed baseline.
 */
export function hashSecret(rule: Pick<Rule, 'tags'>, secret: string): { hash: string; algorithm: SecretHashAlgorithm } {
  if (!rule.tags.includes('generic') || (!/\s/.test(secret) && estimatedBits(secret) >= HIGH_ENTROPY_BITS)) return { hash: sha256Hex(secret), algorithm: 'sha256' };
  let hash = scryptCache.get(secret);
  if (hash === undefined) {
    hash = scryptSync(secret, SCRYPT_SALT, 32, SCRYPT).toString('hex');
    if (scryptCache.size > 10_000) scryptCache.clear();
    scryptCache.set(secret, hash);
  }
  return { hash, algorithm: 'scrypt' };
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function fingerprintOf(ruleId: string, secretSha256: string, path: string): string {
  return sha256Hex(`keyward/v1\0${ruleId}\0${secretSha256}\0${path}`);
}

/** A fingerprint of content only, for history where the path or line may not exist at HEAD. */
export function contentFingerprintOf(ruleId: string, secretSha256: string): string {
  return sha256Hex(`keyward/content/v1\0${ruleId}\0${secretSha256}`);
}

const VISIBLE_BODY_CHARACTERS = 4;
const MAX_VISIBLE_PREFIX = 32;

/**
 * `sk_live_51Hq…` : the rule's literal prefix plus at most 4 characters, never more than a quarter of the
 * secret's random part. Enough to tell two keys apart in a report, far too little to use one.
 */
/** `secret` as reports show it by default under `rule`: its literal prefix and a few characters. */
export function redactFor(rule: Rule, secret: string): string {
  return redact(secret, secret.length - stripLiteralPrefix(rule, secret).length, hashSecret(rule, secret).algorithm === 'scrypt');
}

/** Characters a short or low-entropy secret shows at most: two of a password are already a hint. */
const VISIBLE_WEAK_CHARACTERS = 2;
const SHORT_SECRET = 20;

export function redact(secret: string, literalPrefixLength: number, weak = false): string {
  const prefix = secret.slice(0, Math.min(literalPrefixLength, MAX_VISIBLE_PREFIX));
  const body = secret.slice(literalPrefixLength);
  const cap = weak || body.length < SHORT_SECRET ? VISIBLE_WEAK_CHARACTERS : VISIBLE_BODY_CHARACTERS;
  const visible = Math.min(cap, Math.floor(body.length / 4));
  return `${prefix}${body.slice(0, visible)}…`.replace(/\s+/g, ' ');
}

/** Maps byte offsets of one chunk to 1-based lines and UTF-16 columns, indexing newlines only once. */
export class LineIndex {
  readonly #data: Buffer;
  #newlines: number[] | undefined;

  constructor(data: Buffer) {
    this.#data = data;
  }

  position(offset: number): { line: number; column: number } {
    const newlines = (this.#newlines ??= indexNewlines(this.#data));
    let low = 0;
    let high = newlines.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (newlines[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    const lineStart = low === 0 ? 0 : newlines[low - 1]! + 1;
    return { line: low + 1, column: utf16Length(this.#data, lineStart, offset) + 1 };
  }

  /** The full text of the line holding `offset` and of the line before it (for inline ignores). */
  lineAround(offset: number): { line: string; previous: string } {
    const newlines = (this.#newlines ??= indexNewlines(this.#data));
    const { line } = this.position(offset);
    const start = line === 1 ? 0 : newlines[line - 2]! + 1;
    const end = newlines[line - 1] ?? this.#data.length;
    const previousStart = line <= 2 ? 0 : newlines[line - 3]! + 1;
    // A minified bundle is one line of megabytes: a marker that far from the finding is not on its line in
    // any sense a reader means, and a string that long would cost more memory than the window being scanned.
    const from = Math.max(start, offset - MARKER_REACH);
    const to = Math.min(end, offset + MARKER_REACH);
    return {
      line: this.#data.toString('utf8', from, to),
      previous: line === 1 ? '' : this.#data.toString('utf8', Math.max(previousStart, start - 1 - MARKER_REACH), start - 1),
    };
  }
}

/** How far from a finding an inline ignore marker on the same (huge) line is still read. */
const MARKER_REACH = 16 * 1024;

const LENGTH_PIECE = 64 * 1024;

/**
 * What `data.toString('utf8', start, end).length` would say, without making one string as long as a
 * minified line: decoded in pieces that never split a UTF-8 sequence (each piece ends before a lead byte).
 */
function utf16Length(data: Buffer, start: number, end: number): number {
  if (end - start <= LENGTH_PIECE) return data.toString('utf8', start, end).length;
  let length = 0;
  let at = start;
  while (at < end) {
    let stop = Math.min(at + LENGTH_PIECE, end);
    while (stop < end && stop > at + 1 && (data[stop]! & 0xc0) === 0x80) stop--;
    length += data.toString('utf8', at, stop).length;
    at = stop;
  }
  return length;
}

function indexNewlines(data: Buffer): number[] {
  const newlines: number[] = [];
  for (let at = data.indexOf(10); at !== -1; at = data.indexOf(10, at + 1)) newlines.push(at);
  return newlines;
}

export interface FindingOptions {
  revealSecrets: boolean;
}

export function toFinding(detection: Detection, lines: LineIndex, origin: Origin, options: FindingOptions): Finding {
  const { rule, secret } = detection;
  const start = lines.position(detection.start);
  const end = lines.position(detection.end);
  const { hash: secretSha256, algorithm: secretHashAlgorithm } = hashSecret(rule, secret);
  const literalPrefixLength = secret.length - stripLiteralPrefix(rule, secret).length;
  return {
    ruleId: rule.id,
    name: rule.name,
    severity: detection.severity ?? rule.severity,
    path: origin.path,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    secret: options.revealSecrets ? secret : redact(secret, literalPrefixLength, secretHashAlgorithm === 'scrypt'),
    secretSha256,
    secretHashAlgorithm,
    fingerprint: fingerprintOf(rule.id, secretSha256, origin.path),
    verification: UNVERIFIED,
    ...(origin.commit === undefined ? {} : { commit: origin.commit }),
    ...(origin.blob === undefined ? {} : { blob: origin.blob }),
    ...(detection.confidence === undefined ? {} : { confidence: detection.confidence }),
    ...(detection.score === undefined ? {} : { score: detection.score }),
    ...(detection.jwt === undefined ? {} : { jwt: detection.jwt }),
    ...(origin.layer === undefined ? {} : { layer: origin.layer }),
  };
}
