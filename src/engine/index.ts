import { compileMatcher, type Matcher } from '../matcher/index.js';
import type { Rule } from '../rules/types.js';
import { detectDecoded } from './decode.js';
import { countDrop, detect, type DetectStats, type Detection, type Span } from './detect.js';
import { LineIndex, toFinding, type Finding, type Origin } from './finding.js';
import { compileScorer, DEFAULT_MIN_CONFIDENCE, scoreChunk, type GenericScorer } from './generic/index.js';
import { chunkAllowlisted, compileNoise, dropOverlaps, noiseReason, type CompiledNoise, type NoiseOptions } from './noise.js';

export interface EngineOptions {
  revealSecrets: boolean;
  /** Allowlists, inline ignores and decoding: plain data, compiled by createEngine (also inside workers). */
  noise?: NoiseOptions;
}

/** A compiled rule set plus the options that shape findings; one per thread. */
export interface Engine {
  /** The rules the matcher runs (pattern rules); `scorer:` rules live in `scorer`. */
  rules: Rule[];
  matcher: Matcher;
  scorer: GenericScorer | undefined;
  options: EngineOptions;
  noise: CompiledNoise;
}

export function createEngine(rules: Rule[], options: EngineOptions): Engine {
  const patternRules = rules.filter((rule) => rule.scorer === undefined);
  return {
    rules: patternRules,
    matcher: compileMatcher(patternRules),
    scorer: compileScorer(rules),
    options,
    noise: compileNoise(rules, options.noise),
  };
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
  if (engine.noise.decode.depth > 0) detections = withDecoded(detections, detectDecoded(engine.matcher, engine.rules, data, engine.noise.decode, stats), stats);
  const lines = new LineIndex(data);
  if (engine.scorer !== undefined) {
    const explain = engine.options.noise?.explainCandidates === true;
    const generic = scoreChunk(
      engine.scorer,
      data,
      origin.path,
      { minConfidence: engine.options.noise?.minConfidence ?? DEFAULT_MIN_CONFIDENCE, explain, ...(explain ? { lineOf: (offset: number) => lines.position(offset).line } : {}) },
      stats,
    );
    if (generic.length > 0) detections = [...detections, ...generic].sort((a, b) => a.start - b.start || a.end - b.end);
  }
  if (detections.length === 0) return [];
  detections = dropOverlaps(detections, stats, rejectedSpans);
  const findings: Finding[] = [];
  for (const detection of detections) {
    const reason = noiseReason(engine.noise, detection, lines, origin);
    if (reason !== undefined) {
      countDrop(stats, reason, detection.rule.id);
      continue;
    }
    const finding = toFinding(detection, lines, origin, engine.options);
    if (detection.decoded !== undefined) finding.decoded = detection.decoded;
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
