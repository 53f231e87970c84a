import type { Candidate, Matcher } from '../matcher/index.js';
import type { Rule } from '../rules/types.js';
import { hasValidCrc32Base62 } from '../validators/checksum.js';
import { shannonEntropy } from '../validators/entropy.js';
import { looksLikePlaceholder } from '../validators/placeholder.js';

/** A match that survived its rule's validators. Offsets are bytes into the chunk. */
export interface Detection {
  rule: Rule;
  start: number;
  end: number;
  secret: string;
}

export type DropReason = 'checksum' | 'entropy' | 'placeholder' | 'duplicate';

export interface DetectStats {
  dropped: Record<DropReason, number>;
}

export function emptyDetectStats(): DetectStats {
  return { dropped: { checksum: 0, entropy: 0, placeholder: 0, duplicate: 0 } };
}

/**
 * The engine proper: bytes in, validated detections out. Validators run only on what a pattern already
 * matched, cheapest first (placeholder and entropy are string scans; the checksum is a CRC32).
 */
export function detect(matcher: Matcher, rules: readonly Rule[], data: Buffer, stats?: DetectStats): Detection[] {
  return validate(matcher.find(data), rules, data, stats);
}

export function validate(candidates: Candidate[], rules: readonly Rule[], data: Buffer, stats?: DetectStats): Detection[] {
  const detections: Detection[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const rule = rules[candidate.ruleIndex]!;
    const secret = data.toString('utf8', candidate.start, candidate.end);
    const reason = rejectReason(rule, secret);
    if (reason !== undefined) {
      if (stats) stats.dropped[reason]++;
      continue;
    }
    const key = `${candidate.ruleIndex}:${candidate.start}:${candidate.end}`;
    if (seen.has(key)) {
      if (stats) stats.dropped.duplicate++;
      continue;
    }
    seen.add(key);
    detections.push({ rule, start: candidate.start, end: candidate.end, secret });
  }
  return detections.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Why `secret` is not reported under `rule`, or undefined when it is. */
export function rejectReason(rule: Rule, secret: string): DropReason | undefined {
  if (!rule.allowPlaceholders && looksLikePlaceholder(stripLiteralPrefix(rule, secret))) return 'placeholder';
  if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return 'entropy';
  if (rule.validator !== undefined && !hasValidCrc32Base62(secret, rule.validator.covers)) return 'checksum';
  return undefined;
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
