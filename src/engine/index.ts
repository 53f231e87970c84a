import { compileMatcher, type Matcher } from '../matcher/index.js';
import { compileFilterRegex, type FilterRegex } from '../matcher/filters.js';
import type { Rule } from '../rules/types.js';
import { detectDecoded } from './decode.js';
import { countDrop, detect, type DetectStats, type Detection, type Span } from './detect.js';
import { LineIndex, toFinding, type Finding, type Origin } from './finding.js';
import { chunkAllowlisted, compileNoise, dropOverlaps, noiseReason, type CompiledNoise, type NoiseOptions } from './noise.js';
import { resolvePairs, withPartRules } from './pairs.js';

export interface EngineOptions {
  revealSecrets: boolean;
  /** Allowlists, inline ignores and decoding: plain data, compiled by createEngine (also inside workers). */
  noise?: NoiseOptions;
}

/** A compiled rule set plus the options that shape findings; one per thread. */
export interface Engine {
  /** The rules `matcher` indexes: those without a path condition, plus the hidden parts of pair rules. */
  rules: Rule[];
  matcher: Matcher;
  options: EngineOptions;
  noise: CompiledNoise;
  /** Rules with a path condition (credential files): matched only in chunks whose path one of them takes. */
  pathRules?: { rules: Rule[]; matcher: Matcher; anyPath: FilterRegex };
}

export function createEngine(rules: Rule[], options: EngineOptions): Engine {
  const noise = compileNoise(rules, options.noise);
  const all = withPartRules(rules);
  // A path rule's pattern would otherwise run on every chunk holding its keyword (`password`), only for
  // its path condition to drop the match: gating it on the path first costs one path test per chunk.
  const gated = all.filter((rule) => rule.pathPattern !== undefined);
  const everywhere = gated.length === 0 ? all : all.filter((rule) => rule.pathPattern === undefined);
  return {
    rules: everywhere,
    matcher: compileMatcher(everywhere),
    options,
    noise,
    ...(gated.length === 0 ? {} : { pathRules: { rules: gated, matcher: compileMatcher(gated), anyPath: anyPathRegex(gated) } }),
  };
}

/** One regex for every path condition, so a chunk costs one path test however many path rules there are. */
function anyPathRegex(rules: Rule[]): FilterRegex {
  // compileNoise has compiled each condition alone already, so only the union can fail here.
  return compileFilterRegex([...new Set(rules.map((rule) => rule.pathPattern!))].map((pattern) => `(?:${pattern})`).join('|'));
}

/** Plain detections of the path rules, if `path` meets any of their conditions (never for stdin); noise.ts drops the rest by rule. */
function detectPathRules(engine: Engine, data: Buffer, path: string, stats: DetectStats | undefined, rejectedSpans: Span[]): Detection[] {
  const pathRules = engine.pathRules;
  if (pathRules === undefined || path === '-' || !pathRules.anyPath.test(path)) return [];
  return detect(pathRules.matcher, pathRules.rules, data, stats, rejectedSpans);
}

/** The options a worker needs to build the same engine: plain data only. */
export function engineOptionsOf(options: EngineOptions): EngineOptions {
  return { revealSecrets: options.revealSecrets, ...(options.noise === undefined ? {} : { noise: options.noise }) };
}

/**
 * One chunk of bytes from anywhere to findings; line and column are computed only for what is reported.
 * Filters run here, so working-tree, stdin, staged and history scans all apply them alike.
 */
export function scanChunk(engine: Engine, data: Buffer, origin: Origin, stats?: DetectStats): Finding[] {
  if (chunkAllowlisted(engine.noise, origin)) {
    countDrop(stats, 'path-allowlist');
    return [];
  }
  const rejectedSpans: Span[] = [];
  let detections = detect(engine.matcher, engine.rules, data, stats, rejectedSpans);
  const onPath = detectPathRules(engine, data, origin.path, stats, rejectedSpans);
  if (onPath.length > 0) detections = [...detections, ...onPath].sort((a, b) => a.start - b.start || a.end - b.end);
  if (engine.noise.decode.depth > 0) detections = withDecoded(detections, detectDecoded(engine.matcher, engine.rules, data, engine.noise.decode, stats), stats);
  detections = resolvePairs(detections, data, stats);
  if (detections.length === 0) return [];
  detections = dropOverlaps(detections, stats, rejectedSpans);
  const lines = new LineIndex(data);
  const findings: Finding[] = [];
  for (const detection of detections) {
    const reason = noiseReason(engine.noise, detection, lines, origin);
    if (reason !== undefined) {
      countDrop(stats, reason, detection.rule.id);
      continue;
    }
    const finding = toFinding(detection, lines, origin, engine.options);
    if (detection.decoded !== undefined) finding.decoded = detection.decoded;
    if (detection.parts !== undefined) finding.parts = detection.parts;
    findings.push(finding);
  }
  return findings;
}

/** Decoded detections join the plain ones unless the same rule already found the same secret in plain text. */
function withDecoded(plain: Detection[], decoded: Detection[], stats?: DetectStats): Detection[] {
  if (decoded.length === 0) return plain;
  const seen = new Set(plain.map((d) => `${d.rule.id}\0${d.secret}`));
  const all = [...plain];
  for (const detection of decoded) {
    const key = `${detection.rule.id}\0${detection.secret}\0${detection.start}`;
    if (seen.has(`${detection.rule.id}\0${detection.secret}`) || seen.has(key)) {
      countDrop(stats, 'duplicate', detection.rule.id);
      continue;
    }
    seen.add(key);
    all.push(detection);
  }
  return all.sort((a, b) => a.start - b.start || a.end - b.end);
}
