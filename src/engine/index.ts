import { compileMatcher, type Matcher } from '../matcher/index.js';
import type { Rule } from '../rules/types.js';
import { detect, type DetectStats } from './detect.js';
import { LineIndex, toFinding, type Finding, type Origin } from './finding.js';

export interface EngineOptions {
  revealSecrets: boolean;
}

/** A compiled rule set plus the options that shape findings; one per thread. */
export interface Engine {
  rules: Rule[];
  matcher: Matcher;
  options: EngineOptions;
}

export function createEngine(rules: Rule[], options: EngineOptions): Engine {
  return { rules, matcher: compileMatcher(rules), options };
}

/** One chunk of bytes from anywhere to findings; line and column are computed only for what is reported. */
export function scanChunk(engine: Engine, data: Buffer, origin: Origin, stats?: DetectStats): Finding[] {
  const detections = detect(engine.matcher, engine.rules, data, stats);
  if (detections.length === 0) return [];
  const lines = new LineIndex(data);
  return detections.map((detection) => toFinding(detection, lines, origin, engine.options));
}
