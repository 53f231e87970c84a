/**
 * Paired secrets: an id that is harmless alone (an AWS access key id, a Twilio account SID, an Okta domain)
 * and the secret that makes it a credential, reported as one finding. A pair rule's own pattern is the
 * secret; each entry of its `requires` is a part that must occur within a window (lines or bytes) of it.
 *
 * Parts run through the same matcher as every rule: `withPartRules` adds one hidden rule per part, with the
 * pair rule's keywords, so a part's pattern runs only where the pair could be. `resolvePairs` then joins
 * them; nothing here compiles a regex.
 */
import type { Near, Rule, RulePart } from '../rules/types.js';
import { countDrop, type DetectStats, type Detection, type Span } from './detect.js';

/** Joins a pair rule's id and a part's name into the hidden part rule's id. */
export const PART_ID_SEPARATOR = '#';

/** `rules` plus one hidden rule per part of every pair rule (the same array when there are none). */
export function withPartRules(rules: Rule[]): Rule[] {
  if (!rules.some((rule) => rule.requires !== undefined)) return rules;
  const all = [...rules];
  for (const rule of rules) for (const part of rule.requires ?? []) all.push(partRule(rule, part));
  return all;
}

function partRule(rule: Rule, part: RulePart): Rule {
  return {
    id: `${rule.id}${PART_ID_SEPARATOR}${part.name}`,
    name: `${rule.name} (${part.name})`,
    description: rule.description,
    severity: rule.severity,
    precision: rule.precision,
    tags: rule.tags,
    keywords: rule.keywords,
    pattern: part.pattern,
    ...(part.entropy === undefined ? {} : { entropy: part.entropy }),
    allowPlaceholders: rule.allowPlaceholders,
    references: [],
    examples: [],
    negativeExamples: [],
    source: rule.source,
    ...(rule.patternChecked === true ? { patternChecked: true } : {}),
    partOf: { ruleId: rule.id, part: part.name },
  };
}

/**
 * Pair rule detections that found every part nearby come back with `parts`; those that did not are
 * dropped (the id-only and secret-only rules still report what they find alone). Part detections never
 * come back. Any other detection on a span a pair reports is the same credential told twice, and is
 * dropped in favour of the pair. `detections` is sorted by start; so is the result.
 */
export function resolvePairs(detections: Detection[], data: Buffer, stats?: DetectStats): Detection[] {
  if (!detections.some((d) => d.rule.requires !== undefined || d.rule.partOf !== undefined)) return detections;
  const partsByRule = new Map<string, Detection[]>();
  const singles: Detection[] = [];
  const pairs: Detection[] = [];
  const covered: Span[] = [];
  for (const detection of detections) {
    if (detection.rule.partOf !== undefined) {
      const list = partsByRule.get(detection.rule.id) ?? [];
      list.push(detection);
      partsByRule.set(detection.rule.id, list);
    }
  }
  for (const detection of detections) {
    const { rule } = detection;
    if (rule.partOf !== undefined) continue;
    if (rule.requires === undefined) {
      singles.push(detection);
      continue;
    }
    const parts: Record<string, string> = {};
    const spans: Span[] = [detection];
    for (const part of rule.requires) {
      const found = nearest(partsByRule.get(`${rule.id}${PART_ID_SEPARATOR}${part.name}`), detection, part.near, data);
      if (found === undefined) break;
      parts[part.name] = found.secret;
      spans.push(found);
    }
    if (spans.length !== rule.requires.length + 1) continue;
    pairs.push({ ...detection, parts });
    covered.push(...spans);
  }
  const kept = singles.filter((single) => {
    if (!covered.some((span) => span.start < single.end && single.start < span.end)) return true;
    countDrop(stats, 'duplicate', single.rule.id);
    return false;
  });
  return [...kept, ...pairs].sort((a, b) => a.start - b.start || a.end - b.end);
}

/** The candidate closest to `secret` within the window, if any; it must not be the secret's own span. */
function nearest(candidates: Detection[] | undefined, secret: Span, near: Near, data: Buffer): Detection | undefined {
  let best: Detection | undefined;
  let bestGap = Infinity;
  for (const candidate of candidates ?? []) {
    if (candidate.start < secret.end && secret.start < candidate.end) continue;
    const gap = candidate.start >= secret.end ? candidate.start - secret.end : secret.start - candidate.end;
    if (!withinWindow(candidate, secret, near, data)) continue;
    if (gap < bestGap) {
      best = candidate;
      bestGap = gap;
    }
  }
  return best;
}

function withinWindow(a: Span, b: Span, near: Near, data: Buffer): boolean {
  const [first, second] = a.start <= b.start ? [a, b] : [b, a];
  const gapStart = Math.min(first.end, second.start);
  const gapEnd = second.start;
  if ('bytes' in near) return gapEnd - gapStart <= near.bytes;
  // Counting newlines in the gap stops at the window: a distant candidate costs no more than a near one.
  let lines = 0;
  for (let at = data.indexOf(10, gapStart); at !== -1 && at < gapEnd; at = data.indexOf(10, at + 1)) {
    if (++lines > near.lines) return false;
  }
  return true;
}
