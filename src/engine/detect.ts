import type { Candidate, Matcher } from '../matcher/index.js';
import type { Rule } from '../rules/types.js';
import { hasValidCrc32Base62 } from '../validators/checksum.js';
import { shannonEntropy } from '../validators/entropy.js';
import { looksLikePlaceholder } from '../validators/placeholder.js';
import { looksGenerated } from '../validators/shape.js';
import type { JwtInfo } from './generic/jwt.js';

/** A match that survived its rule's validators. Offsets are bytes into the chunk. */
export interface Detection {
  rule: Rule;
  start: number;
  end: number;
  secret: string;
  /** How the bytes were decoded before the rule matched (outermost first); offsets are then the encoded segment's. */
  decoded?: string[];
  /** Generic (scored) detections: the score, its confidence, and the severity that follows from it. */
  score?: number;
  confidence?: 'high' | 'medium' | 'low';
  severity?: Rule['severity'];
  /** A JWT's header and non-sensitive claims. */
  jwt?: JwtInfo;
  /** A paired secret's other parts (ids, harmless alone), by part name: src/engine/pairs.ts. */
  parts?: Record<string, string>;
}

/**
 * Why a candidate was not reported. The first four are the rules' own validators; the rest are the noise
 * filters (src/engine/noise.ts): inline ignore markers, config allowlists, a provider finding that covers a
 * generic one, a rule's path condition, and the baseline (applied by the CLI after the scan).
 * 'path-allowlist' and 'decode-budget' count chunks (files, blobs), not candidates.
 */
export const DROP_REASONS = [
  'boundary',
  'checksum',
  'entropy',
  'placeholder',
  'shape',
  'duplicate',
  'inline-ignore',
  'allowlist',
  'stopword',
  'overlap',
  'rule-path',
  'commit-allowlist',
  'baseline',
  'path-allowlist',
  'decode-budget',
  'not-credential',
  'confidence',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface DetectStats {
  dropped: Record<DropReason, number>;
  /** Per rule id, per reason: what `--explain` prints. Chunk-level reasons are not broken down by rule. */
  droppedByRule: Record<string, Partial<Record<DropReason, number>>>;
  /** One line per generic candidate and the signals that decided it (only when --explain asks). */
  explained?: string[];
}

export function emptyDropped(): Record<DropReason, number> {
  return Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>;
}

export function emptyDetectStats(): DetectStats {
  return { dropped: emptyDropped(), droppedByRule: {} };
}

/** Counts one dropped candidate of `ruleId` (or a chunk, without a rule id). */
export function countDrop(stats: DetectStats | undefined, reason: DropReason, ruleId?: string): void {
  if (stats === undefined) return;
  stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1;
  if (ruleId === undefined) return;
  const perRule = (stats.droppedByRule[ruleId] ??= {});
  perRule[reason] = (perRule[reason] ?? 0) + 1;
}

/**
 * The engine proper: bytes in, validated detections out. Validators run only on what a pattern already
 * matched, cheapest first (the boundary is one byte; placeholder and entropy are string scans; the
 * checksum is a CRC32).
 */
export function detect(matcher: Matcher, rules: readonly Rule[], data: Buffer, stats?: DetectStats, rejectedSpans?: Span[]): Detection[] {
  return validate(matcher.find(data), rules, data, stats, rejectedSpans);
}

export interface Span {
  start: number;
  end: number;
}

/**
 * `rejectedSpans`, when given, collects the spans of provider (non-`generic`) candidates that a validator
 * rejected: a look-alike a provider rule has ruled out is not worth a generic finding either.
 */
export function validate(candidates: Candidate[], rules: readonly Rule[], data: Buffer, stats?: DetectStats, rejectedSpans?: Span[]): Detection[] {
  const detections: Detection[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const rule = rules[candidate.ruleIndex]!;
    const secret = data.toString('utf8', candidate.start, candidate.end);
    const reason = startsInsideWord(rule, secret, data, candidate.start) ? 'boundary' : rejectReason(rule, secret);
    if (reason !== undefined) {
      countDrop(stats, reason, rule.id);
      if (rejectedSpans !== undefined && !rule.tags.includes('generic') && !leavesToGeneric(rule, secret, reason)) rejectedSpans.push({ start: candidate.start, end: candidate.end });
      continue;
    }
    const key = `${candidate.ruleIndex}:${candidate.start}:${candidate.end}`;
    if (seen.has(key)) {
      countDrop(stats, 'duplicate', rule.id);
      continue;
    }
    seen.add(key);
    detections.push({ rule, start: candidate.start, end: candidate.end, secret });
  }
  return detections.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * A context rule (`VONAGE_API_SECRET=` and a bare value) that finds the value too plain for its provider's
 * format has not shown it is no credential: a real 16-character secret has no digit 6 times in 100. The
 * generic scorer judges that value on its own. A prefixed token (`ghp_`, `sk_live_`) ruled out stays ruled out.
 */
function leavesToGeneric(rule: Rule, secret: string, reason: DropReason): boolean {
  return (reason === 'shape' || reason === 'entropy') && stripLiteralPrefix(rule, secret).length === secret.length;
}

/**
 * A prefixed token that begins in the middle of a word (`work_live_…`, `XAKIA…` inside a base64 blob) is a
 * coincidence, not a key. Checked here rather than with a leading `\b` or class in every pattern, which
 * would stop RE2 from searching for the literal prefix directly. Context rules, whose secret does not start
 * with a keyword, are unaffected.
 */
function startsInsideWord(rule: Rule, secret: string, data: Buffer, start: number): boolean {
  if (start === 0 || !isAsciiAlphanumeric(data[start - 1]!)) return false;
  return stripLiteralPrefix(rule, secret).length < secret.length;
}

function isAsciiAlphanumeric(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

/** Why `secret` is not reported under `rule`, or undefined when it is. */
export function rejectReason(rule: Rule, secret: string): DropReason | undefined {
  if (!rule.allowPlaceholders && looksLikePlaceholder(stripLiteralPrefix(rule, secret)) && !hasValidChecksum(rule, secret)) return 'placeholder';
  if (rule.requireLetterAndDigit && !looksGenerated(secret)) return 'shape';
  if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return 'entropy';
  if (rule.validator !== undefined && !hasValidCrc32Base62(secret, rule.validator.covers)) return 'checksum';
  return undefined;
}

/**
 * A valid checksum outranks the placeholder heuristics: a typed `ghp_xxxx…` fails it, while a random body
 * spells `xxxx` or `dummy` now and then (about 1 issued key in 20,000), and that key is real.
 */
function hasValidChecksum(rule: Rule, secret: string): boolean {
  return rule.validator !== undefined && hasValidCrc32Base62(secret, rule.validator.covers);
}

/** The secret without the rule keyword it starts with (`sk_live_`), so the prefix never reads as a placeholder. */
export function stripLiteralPrefix(rule: Rule, secret: string): string {
  const lower = secret.toLowerCase();
  let longest = 0;
  for (const keyword of rule.keywords) {
    if (keyword.length > longest && lower.startsWith(keyword.toLowerCase())) longest = keyword.length;
  }
  return secret.slice(longest);
}
