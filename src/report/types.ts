import type { Finding } from '../engine/finding.js';
import type { RuleMeta } from '../rules/types.js';
import type { ScanStats } from '../sources/stats.js';

/** The source's name: new sources (archives, images) add their own. */
export type ScanKind = 'worktree' | 'history' | 'staged' | 'stdin' | (string & {});

/** Everything a reporter may look at: plain data, no engine, no files. */
export interface Report {
  kind: ScanKind;
  findings: Finding[];
  rules: RuleMeta[];
  stats: ScanStats;
  warnings: string[];
  durationMs: number;
  /** Which rules ran, for the summary: `212 built-in`, `5 custom only ([extend] useDefault is not set)`. */
  ruleSet?: string;
  /** `--baseline-write` recorded this many findings (so none are reported). */
  baselineRecorded?: { file: string; count: number };
}

export type Format = 'text' | 'json' | 'jsonl' | 'sarif';
export const FORMATS: readonly Format[] = ['text', 'json', 'jsonl', 'sarif'];
