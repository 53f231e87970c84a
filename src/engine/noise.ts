/**
 * Noise filters between detection and findings: inline ignore markers, allowlists (global and per rule),
 * a rule's path condition, commits, and the provider-over-generic overlap rule. Their configuration is
 * plain data (`NoiseOptions`, part of EngineOptions, so it crosses into worker threads); it is compiled
 * once per engine by `compileNoise`.
 */
import ignore, { type Ignore } from 'ignore';
import { KeywardError } from '../errors.js';
import { compileFilterRegex, type FilterRegex } from '../matcher/filters.js';
import type { Rule } from '../rules/types.js';
import { countDrop, type DetectStats, type Detection, type DropReason, type Span } from './detect.js';
import type { LineIndex, Origin } from './finding.js';

export interface AllowlistData {
  /** gitignore-style globs on the chunk's path (relative to the scan root). */
  paths?: string[];
  /** RE2 on the chunk's path (what gitleaks' `paths` are). */
  pathRegexes?: string[];
  /** RE2 on the secret. */
  regexes?: string[];
  /** RE2 on the whole line holding the secret. */
  lineRegexes?: string[];
  /** A secret containing one of these (case-insensitive) is not reported. */
  stopwords?: string[];
  /** Commit SHAs (7+ hex characters, a prefix is enough) whose findings are not reported. */
  commits?: string[];
}

export interface DecodeOptions {
  /** How many times a decoded segment is decoded again; 0 turns decoding off. */
  depth: number;
  /** Decoded bytes per chunk (file or blob); past it decoding stops for that chunk. */
  maxBytes: number;
}

export const DEFAULT_DECODE: DecodeOptions = { depth: 2, maxBytes: 1 << 20 };

export interface NoiseOptions {
  allowlist?: AllowlistData;
  ruleAllowlists?: Record<string, AllowlistData>;
  decode?: DecodeOptions;
  /** Honour `keyward:allow` and friends (default true). */
  inlineIgnores?: boolean;
}

interface CompiledAllowlist {
  paths: Ignore | undefined;
  pathRegexes: FilterRegex[];
  regexes: FilterRegex[];
  lineRegexes: FilterRegex[];
  stopwords: string[];
  commits: string[];
}

export interface CompiledNoise {
  global: CompiledAllowlist | undefined;
  perRule: Map<string, CompiledAllowlist>;
  rulePaths: Map<string, FilterRegex>;
  inlineIgnores: boolean;
  decode: DecodeOptions;
}

export function compileNoise(rules: readonly Rule[], options: NoiseOptions | undefined): CompiledNoise {
  const perRule = new Map<string, CompiledAllowlist>();
  for (const [ruleId, data] of Object.entries(options?.ruleAllowlists ?? {})) perRule.set(ruleId, compileAllowlist(data, `rule_allowlists.${ruleId}`));
  const rulePaths = new Map<string, FilterRegex>();
  for (const rule of rules) {
    if (rule.pathPattern !== undefined) rulePaths.set(rule.id, compileOrThrow(rule.pathPattern, `rule ${rule.id}: path`));
  }
  return {
    global: options?.allowlist === undefined ? undefined : compileAllowlist(options.allowlist, 'allowlist'),
    perRule,
    rulePaths,
    inlineIgnores: options?.inlineIgnores ?? true,
    decode: options?.decode ?? DEFAULT_DECODE,
  };
}

function compileAllowlist(data: AllowlistData, where: string): CompiledAllowlist {
  const compile = (patterns: string[] | undefined, field: string) => (patterns ?? []).map((pattern) => compileOrThrow(pattern, `${where}.${field}`));
  return {
    paths: data.paths !== undefined && data.paths.length > 0 ? ignore({ allowRelativePaths: true }).add(data.paths) : undefined,
    pathRegexes: compile(data.pathRegexes, 'path_regexes'),
    regexes: compile(data.regexes, 'regexes'),
    lineRegexes: compile(data.lineRegexes, 'line_regexes'),
    stopwords: (data.stopwords ?? []).map((word) => word.toLowerCase()),
    commits: (data.commits ?? []).map((sha) => sha.toLowerCase()),
  };
}

function compileOrThrow(pattern: string, where: string): FilterRegex {
  try {
    return compileFilterRegex(pattern);
  } catch (error) {
    throw new KeywardError(`${where}: ${JSON.stringify(pattern)} is not valid RE2 (${error instanceof Error ? error.message : String(error)})`);
  }
}

function pathMatches(list: CompiledAllowlist, path: string): boolean {
  if (list.paths !== undefined && path !== '-' && path !== '' && list.paths.ignores(path.replace(/^\.\//, ''))) return true;
  return list.pathRegexes.some((regex) => regex.test(path));
}

function commitMatches(list: CompiledAllowlist, sha: string | undefined): boolean {
  if (sha === undefined || list.commits.length === 0) return false;
  const lower = sha.toLowerCase();
  return list.commits.some((entry) => lower.startsWith(entry));
}

/** True when the global paths allowlist excludes the whole chunk, so it need not be scanned at all. */
export function chunkAllowlisted(noise: CompiledNoise, origin: Origin): boolean {
  const global = noise.global;
  if (global === undefined) return false;
  return pathMatches(global, origin.path) || commitMatches(global, origin.commit?.sha);
}

const SAME_LINE_MARKER = /keyward:allow(?!-next-line)|gitleaks:allow|trufflehog:ignore|pragma:\s*allowlist[ -]secret/i;
const NEXT_LINE_MARKER = /keyward:allow-next-line|pragma:\s*allowlist[ -]nextline[ -]secret/i;

/** The inline marker that hides a finding at `offset`, if any: on its line, or a next-line marker on the line before. */
export function inlineIgnoreMarker(lines: LineIndex, offset: number): boolean {
  const { line, previous } = lines.lineAround(offset);
  return SAME_LINE_MARKER.test(line) || (previous !== '' && NEXT_LINE_MARKER.test(previous));
}

/** Why a validated detection is not reported, or undefined. Cheapest checks first; lines are read only if needed. */
export function noiseReason(noise: CompiledNoise, detection: Detection, lines: LineIndex, origin: Origin): DropReason | undefined {
  const { rule, secret } = detection;
  const rulePath = noise.rulePaths.get(rule.id);
  if (rulePath !== undefined && !rulePath.test(origin.path)) return 'rule-path';
  const lists: CompiledAllowlist[] = [];
  if (noise.global !== undefined) lists.push(noise.global);
  const own = noise.perRule.get(rule.id);
  if (own !== undefined) {
    if (pathMatches(own, origin.path)) return 'allowlist';
    if (commitMatches(own, origin.commit?.sha)) return 'commit-allowlist';
    lists.push(own);
  }
  if (lists.length > 0) {
    const lower = secret.toLowerCase();
    for (const list of lists) {
      if (list.stopwords.some((word) => lower.includes(word))) return 'stopword';
      if (list.regexes.some((regex) => regex.test(secret))) return 'allowlist';
    }
    if (lists.some((list) => list.lineRegexes.length > 0)) {
      const { line } = lines.lineAround(detection.start);
      for (const list of lists) if (list.lineRegexes.some((regex) => regex.test(line))) return 'allowlist';
    }
  }
  if (noise.inlineIgnores && inlineIgnoreMarker(lines, detection.start)) return 'inline-ignore';
  return undefined;
}

export function isGeneric(rule: Rule): boolean {
  return rule.tags.includes('generic');
}

/**
 * When a provider rule and a generic rule match overlapping spans, only the provider finding stays (also
 * when the provider's validator rejected its match: `rejectedSpans`, a checksum look-alike); two
 * overlapping generic findings keep the first (by position, then rule order). `detections` is sorted by start.
 */
export function dropOverlaps(all: Detection[], stats?: DetectStats, rejectedSpans: readonly Span[] = []): Detection[] {
  const detections = dropSameSpan(all, stats);
  if (!detections.some((d) => isGeneric(d.rule))) return detections;
  const providers: Span[] = [...detections.filter((d) => !isGeneric(d.rule)), ...rejectedSpans];
  const kept: Detection[] = [];
  let lastGeneric: Detection | undefined;
  for (const detection of detections) {
    if (!isGeneric(detection.rule)) {
      kept.push(detection);
      continue;
    }
    const overlaps = (other: Span) => other.start < detection.end && detection.start < other.end;
    if (providers.some(overlaps) || (lastGeneric !== undefined && overlaps(lastGeneric))) {
      countDrop(stats, 'overlap', detection.rule.id);
      continue;
    }
    kept.push(detection);
    lastGeneric = detection;
  }
  return kept;
}

const PRECISION_RANK: Record<Rule['precision'], number> = { 'very-high': 0, high: 1, medium: 2, low: 3 };
const SEVERITY_RANK: Record<Rule['severity'], number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/**
 * Two provider rules that match the very same bytes found one secret, not two (an AWS session token under
 * its own rule and a broader credentials-file rule): the more precise rule, then the more severe, reports it.
 * Detections arrive sorted by span.
 */
function dropSameSpan(detections: Detection[], stats?: DetectStats): Detection[] {
  const kept: Detection[] = [];
  for (const detection of detections) {
    const previous = kept.at(-1);
    if (previous === undefined || isGeneric(detection.rule) || isGeneric(previous.rule) || previous.start !== detection.start || previous.end !== detection.end) {
      kept.push(detection);
      continue;
    }
    const better =
      PRECISION_RANK[detection.rule.precision] - PRECISION_RANK[previous.rule.precision] || SEVERITY_RANK[detection.rule.severity] - SEVERITY_RANK[previous.rule.severity];
    countDrop(stats, 'duplicate', (better < 0 ? previous : detection).rule.id);
    if (better < 0) kept[kept.length - 1] = detection;
  }
  return kept;
}
