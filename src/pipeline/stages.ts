/**
 * The stages between the scan and the report. Each takes findings and returns findings (new arrays, new
 * objects where anything changes); none edits a finding in place. Counters of what was dropped go to the
 * scan's stats, which `--explain` prints.
 */
import { applyBaseline, entryOf, writeBaseline, type BaselineEntry } from '../baseline/index.js';
import { countDrop } from '../engine/detect.js';
import type { Finding } from '../engine/finding.js';
import type { NoiseOptions } from '../engine/noise.js';
import type { ScanStats } from '../sources/stats.js';

/** Findings of allowlisted commits (the config's `allowlist.commits`, per rule or global) are dropped. */
export function dropAllowlistedCommits(findings: readonly Finding[], noise: NoiseOptions, stats: ScanStats): Finding[] {
  const global = (noise.allowlist?.commits ?? []).map((sha) => sha.toLowerCase());
  const perRule = Object.entries(noise.ruleAllowlists ?? {}).filter(([, list]) => (list.commits?.length ?? 0) > 0);
  if (global.length === 0 && perRule.length === 0) return [...findings];
  const ruleCommits = new Map(perRule.map(([id, list]) => [id, list.commits!.map((sha) => sha.toLowerCase())]));
  return findings.filter((finding) => {
    const sha = finding.commit?.sha.toLowerCase();
    if (sha === undefined) return true;
    const listed = [...global, ...(ruleCommits.get(finding.ruleId) ?? [])];
    if (!listed.some((entry) => sha.startsWith(entry))) return true;
    countDrop(stats, 'commit-allowlist', finding.ruleId);
    return false;
  });
}

/** `--baseline-write`: records every finding and reports none. */
export function recordBaseline(findings: readonly Finding[], file: string, stats: ScanStats, keep: readonly BaselineEntry[] = []): number {
  const count = writeBaseline(file, [...keep, ...findings.map(entryOf)]);
  for (const finding of findings) countDrop(stats, 'baseline', finding.ruleId);
  return count;
}

/** `--baseline`: hides what the baseline knows. */
export function hideBaselined(findings: readonly Finding[], entries: BaselineEntry[], stats: ScanStats): Finding[] {
  const { kept, hidden } = applyBaseline([...findings], entries);
  for (const finding of hidden) countDrop(stats, 'baseline', finding.ruleId);
  return kept;
}

/** Reports are reproducible: by path and position (history keeps its story order). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column));
}
