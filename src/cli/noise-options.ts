/**
 * The scan's noise controls as the CLI sees them: --config, --baseline, --baseline-write, --explain and
 * --decode-depth. scan-command calls prepareNoise before scanning (rules and engine options from the
 * config) and postScan after it (commit allowlists on attributed findings, the baseline, --explain).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { applyBaseline, entryOf, readBaseline, writeBaseline } from '../baseline/index.js';
import { applyConfigToRules, emptyConfig, findConfig, loadConfig, type KeywardConfig } from '../config/load.js';
import { countDrop, DROP_REASONS, type DropReason } from '../engine/detect.js';
import type { Finding } from '../engine/finding.js';
import { DEFAULT_DECODE, type NoiseOptions } from '../engine/noise.js';
import type { Rule } from '../rules/types.js';
import type { ScanStats } from '../scan/stats.js';

export interface NoiseArgs {
  config?: string;
  baseline?: string;
  baselineWrite?: string;
  explain?: boolean;
  decodeDepth?: number;
  minConfidence?: 'high' | 'medium' | 'low';
}

export const NOISE_OPTIONS = {
  config: {
    type: 'string',
    describe: 'Config file: a .keyward.yml, or a gitleaks .toml (default: the nearest .keyward.yml at or above the scan root)',
  },
  baseline: { type: 'string', describe: 'Hide findings recorded in this baseline file (by rule, secret hash and path)' },
  'baseline-write': { type: 'string', describe: 'Record the current findings in this baseline file (they are then hidden; exit 0)' },
  explain: { type: 'boolean', default: false, describe: 'Print on stderr how many candidates each filter dropped, per rule' },
  'decode-depth': { type: 'number', describe: `Decode base64/hex/percent segments this many levels deep (default ${DEFAULT_DECODE.depth}; 0 = off)` },
  'min-confidence': {
    choices: ['high', 'medium', 'low'] as const,
    describe: 'Report generic (scored) findings of at least this confidence (default: min_confidence in the config, else medium)',
  },
} as const;

export interface NoiseSetup {
  rules: Rule[];
  noise: NoiseOptions;
  /** From the config's max_file_size; the --max-file-size flag wins when given. */
  maxFileSize: number | undefined;
  config: KeywardConfig;
  warnings: string[];
}

const setups = new WeakMap<object, NoiseSetup>();

/** The directory a config search starts from: the first path (its directory if it is a file), or the cwd. */
export function scanRootOf(paths: readonly string[] | undefined): string {
  const first = paths?.[0];
  if (first === undefined || first === '-') return process.cwd();
  const absolute = resolve(first);
  try {
    return statSync(absolute).isDirectory() ? absolute : dirname(absolute);
  } catch {
    return existsSync(dirname(absolute)) ? dirname(absolute) : process.cwd();
  }
}

/** Loads the config (named or found), and returns the rules to run and the engine's noise options. */
export function prepareNoise(args: NoiseArgs & { paths?: string[] }, baseRules: Rule[], scanRoot = scanRootOf(args.paths)): NoiseSetup {
  const file = args.config ?? findConfig(scanRoot);
  const config = file === undefined ? emptyConfig() : loadConfig(file);
  const { rules, warnings } = applyConfigToRules(baseRules, config);
  const noise: NoiseOptions = { ...config.noise };
  if (args.minConfidence !== undefined) noise.minConfidence = args.minConfidence;
  if (args.explain === true) noise.explainCandidates = true;
  if (args.decodeDepth !== undefined) {
    noise.decode = { ...(noise.decode ?? DEFAULT_DECODE), depth: Math.max(0, Math.floor(args.decodeDepth)) };
  }
  const setup: NoiseSetup = { rules, noise, maxFileSize: config.maxFileSize, config, warnings: [...config.warnings, ...warnings] };
  setups.set(args, setup);
  return setup;
}

/**
 * After a scan: drops findings of allowlisted commits (history findings are attributed to commits after
 * the blob scan), writes or applies the baseline, and counts what it dropped. Returns the findings to report.
 */
export function postScan(args: NoiseArgs, findings: Finding[], stats: ScanStats, notice: (message: string) => void): Finding[] {
  const setup = setups.get(args);
  let kept = findings;
  if (setup !== undefined) kept = dropAllowlistedCommits(kept, setup.noise, stats);
  if (args.baselineWrite !== undefined) {
    const count = writeBaseline(args.baselineWrite, kept.map(entryOf));
    notice(`baseline ${args.baselineWrite}: recorded ${count} finding${count === 1 ? '' : 's'}`);
    for (const finding of kept) countDrop(stats, 'baseline', finding.ruleId);
    kept = [];
  } else if (args.baseline !== undefined) {
    const { kept: reported, hidden } = applyBaseline(kept, readBaseline(args.baseline));
    for (const finding of hidden) countDrop(stats, 'baseline', finding.ruleId);
    kept = reported;
  }
  stats.findings = kept.length;
  return kept;
}

function dropAllowlistedCommits(findings: Finding[], noise: NoiseOptions, stats: ScanStats): Finding[] {
  const global = (noise.allowlist?.commits ?? []).map((sha) => sha.toLowerCase());
  const perRule = Object.entries(noise.ruleAllowlists ?? {}).filter(([, list]) => (list.commits?.length ?? 0) > 0);
  if (global.length === 0 && perRule.length === 0) return findings;
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

const REASON_TEXT: Record<DropReason, string> = {
  boundary: 'token prefix inside a longer word',
  checksum: 'checksum did not match',
  entropy: 'entropy below the rule minimum',
  placeholder: 'looks like a placeholder (xxxx, ${VAR}, <key>, example…)',
  shape: 'no letter-and-digit mix (generic rules)',
  duplicate: 'same rule, same span (or found again after decoding)',
  'inline-ignore': 'inline marker (keyward:allow, gitleaks:allow, …)',
  allowlist: 'allowlist regex (secret, line or rule path)',
  stopword: 'allowlist stopword',
  overlap: 'generic rule overlapped by a provider rule',
  'rule-path': "outside the rule's path",
  'commit-allowlist': 'commit allowlisted',
  baseline: 'in the baseline',
  'path-allowlist': 'files/blobs skipped by the paths allowlist',
  'decode-budget': 'files/blobs that hit the decode byte budget',
  'not-credential': 'generic candidate whose name or value is not a credential (placeholder, reference, hint…)',
  confidence: 'generic candidate scored under the confidence floor (--min-confidence)',
};

/** The --explain table: one line per filter with its count and the rules it dropped, most first. */
export function formatExplain(stats: ScanStats): string {
  const lines = ['why candidates were not reported:'];
  for (const reason of DROP_REASONS) {
    const count = stats.dropped[reason] ?? 0;
    if (count === 0) continue;
    const perRule = Object.entries(stats.droppedByRule)
      .map(([ruleId, reasons]) => [ruleId, reasons[reason] ?? 0] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([ruleId, n]) => `${ruleId} ${n}`);
    lines.push(`  ${reason.padEnd(17)} ${String(count).padStart(6)}  ${REASON_TEXT[reason]}${perRule.length > 0 ? `: ${perRule.join(', ')}` : ''}`);
  }
  if (lines.length === 1) lines.push('  nothing was dropped');
  if (stats.explained !== undefined && stats.explained.length > 0) {
    lines.push('generic candidates (name, value redacted, score, confidence: signals):');
    for (const line of stats.explained) lines.push(`  ${line}`);
  }
  return `${lines.join('\n')}\n`;
}
