import { compileMatcher, type Matcher } from '../matcher/index.js';
import { compileFilterRegex, type FilterRegex } from '../matcher/filters.js';
import type { Rule } from '../rules/types.js';
import { detectDecoded } from './decode.js';
import { countDrop, detect, type DetectStats, type Detection, type Span } from './detect.js';
import { originalOffset, urlLines } from './lockfile.js';
import { LineIndex, toFinding, type Finding, type Origin } from './finding.js';
import { chunkAllowlisted, compileNoise, dropOverlaps, noiseReason, type CompiledNoise, type NoiseOptions } from './noise.js';
import { compileScorer, DEFAULT_MIN_CONFIDENCE, scoreChunk, type GenericScorer } from './generic/index.js';
import { fileContext } from './generic/file-context.js';
import { resolvePairs, withPartRules } from './pairs.js';

export interface EngineOptions {
  revealSecrets: boolean;
  /** Allowlists, inline ignores and decoding: plain data, compiled by createEngine (also inside workers). */
  noise?: NoiseOptions;
}

/** A compiled rule set plus the options that shape findings; one per thread. */
export interface Engine {
  /**
   * The rules `matcher` indexes: those without a path condition, plus the hidden parts of pair rules
   * (`scorer:` rules live in `scorer`).
   */
  rules: Rule[];
  matcher: Matcher;
  /** The generic credential scorer, for the `scorer:` rules (src/engine/generic/). */
  scorer: GenericScorer | undefined;
  /**
   * Token prefixes of provider rules (`sk_live_`, `ghp_`): a generic value starting with one is that
   * provider's token in a shape its rule ruled out (truncated, a near miss), not a credential of its own.
   */
  providerPrefixes: string[];
  options: EngineOptions;
  noise: CompiledNoise;
  /** Rules with a path condition (credential files): matched only in chunks whose path one of them takes. */
  pathRules?: { rules: Rule[]; matcher: Matcher; anyPath: FilterRegex; onPath: Map<string, boolean> };
}

export function createEngine(rules: Rule[], options: EngineOptions): Engine {
  const noise = compileNoise(rules, options.noise);
  const all = withPartRules(rules.filter((rule) => rule.scorer === undefined));
  // A path rule's pattern would otherwise run on every chunk holding its keyword (`password`), only for
  // its path condition to drop the match: gating it on the path first costs one path test per chunk.
  const gated = all.filter((rule) => rule.pathPattern !== undefined);
  const everywhere = gated.length === 0 ? all : all.filter((rule) => rule.pathPattern === undefined);
  return {
    rules: everywhere,
    matcher: compileMatcher(everywhere),
    scorer: compileScorer(rules),
    providerPrefixes: providerPrefixes(rules),
    options,
    noise,
    ...(gated.length === 0 ? {} : { pathRules: pathRulesOf(gated) }),
  };
}

/**
 * The path rules' matcher compiles on the first chunk one of them takes: a pre-commit hook over five
 * source files never needs it. Rules not checked at build time compile now, so a bad pattern is still an
 * error at load time.
 */
function pathRulesOf(rules: Rule[]): NonNullable<Engine['pathRules']> {
  let matcher = rules.every((rule) => rule.patternChecked === true) ? undefined : compileMatcher(rules);
  return {
    rules,
    get matcher() {
      return (matcher ??= compileMatcher(rules));
    },
    anyPath: anyPathRegex(rules),
    onPath: new Map(),
  };
}

function providerPrefixes(rules: readonly Rule[]): string[] {
  const prefixes = new Set<string>();
  for (const rule of rules) {
    if (rule.tags.includes('generic')) continue;
    for (const keyword of rule.keywords) if (keyword.length >= 4 && /^[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*[_-]$/.test(keyword)) prefixes.add(keyword.toLowerCase());
  }
  return [...prefixes];
}

/** One regex for every path condition, so a chunk costs one path test however many path rules there are. */
function anyPathRegex(rules: Rule[]): FilterRegex {
  // compileNoise has compiled each condition alone already, so only the union can fail here.
  return compileFilterRegex([...new Set(rules.map((rule) => rule.pathPattern!))].map((pattern) => `(?:${pattern})`).join('|'));
}

/** Plain detections of the path rules, if `path` meets any of their conditions (never for stdin); noise.ts drops the rest by rule. */
function detectPathRules(engine: Engine, data: Buffer, path: string, stats: DetectStats | undefined, rejectedSpans: Span[]): Detection[] {
  const pathRules = engine.pathRules;
  if (pathRules === undefined || path === '-' || !takesPath(pathRules, path)) return [];
  return detect(pathRules.matcher, pathRules.rules, data, stats, rejectedSpans);
}

/** The path test, once per path: a history asks it for every version of every file. */
function takesPath(pathRules: NonNullable<Engine['pathRules']>, path: string): boolean {
  let takes = pathRules.onPath.get(path);
  if (takes === undefined) {
    if (pathRules.onPath.size >= 16_384) pathRules.onPath.clear();
    takes = pathRules.anyPath.test(path);
    pathRules.onPath.set(path, takes);
  }
  return takes;
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
  // A lockfile is read by its URL lines only (./lockfile.ts); offsets go back to the chunk's before any filter.
  // fileContext reads each path once; a history asks for every version of every file.
  const view = fileContext(origin.path).lockfile ? urlLines(data) : undefined;
  const scanned = view?.data ?? data;
  const toChunk = (offset: number, isEnd = false) => (view === undefined ? offset : originalOffset(view, offset, isEnd));
  const rejectedSpans: Span[] = [];
  let detections = detect(engine.matcher, engine.rules, scanned, stats, rejectedSpans);
  const onPath = detectPathRules(engine, scanned, origin.path, stats, rejectedSpans);
  if (onPath.length > 0) detections = [...detections, ...onPath].sort((a, b) => a.start - b.start || a.end - b.end);
  if (engine.noise.decode.depth > 0) detections = withDecoded(detections, detectDecoded(engine.matcher, engine.rules, scanned, engine.noise.decode, stats), stats);
  detections = resolvePairs(detections, scanned, stats);
  const lines = new LineIndex(data);
  if (engine.scorer !== undefined) {
    const explain = engine.options.noise?.explainCandidates === true;
    const generic = scoreChunk(
      engine.scorer,
      scanned,
      origin.path,
      { minConfidence: engine.options.noise?.minConfidence ?? DEFAULT_MIN_CONFIDENCE, explain, ...(explain ? { lineOf: (offset: number) => lines.position(toChunk(offset)).line } : {}) },
      stats,
    );
    const kept = generic.filter((detection) => {
      if (!engine.providerPrefixes.some((prefix) => detection.secret.toLowerCase().startsWith(prefix))) return true;
      countDrop(stats, 'overlap', detection.rule.id);
      return false;
    });
    if (kept.length > 0) detections = [...detections, ...kept].sort((a, b) => a.start - b.start || a.end - b.end);
  }
  if (detections.length === 0) return [];
  let spans = rejectedSpans;
  if (view !== undefined) {
    detections = detections.map((detection) => ({ ...detection, start: toChunk(detection.start), end: toChunk(detection.end, true) }));
    spans = rejectedSpans.map((span) => ({ start: toChunk(span.start), end: toChunk(span.end, true) }));
  }
  detections = dropOverlaps(detections, stats, spans);
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
