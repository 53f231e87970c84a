import { spawnSync } from 'node:child_process';
import { fakeRandom, runCli, type CliResult } from '../helpers.js';

export const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A fake Stripe live key, made at test time (the repository holds none). */
export function stripeKey(seed: number): string {
  return `sk_live_51${fakeRandom(ALNUM, 30, seed)}`;
}

export interface JsonFinding {
  ruleId: string;
  path: string;
  line: number;
  column: number;
  secret: string;
  secretSha256: string;
  decoded?: string[];
  commit?: { sha: string };
}

export interface JsonReport {
  findings: JsonFinding[];
  stats: { dropped: Record<string, number>; droppedByRule: Record<string, Record<string, number>>; findings: number };
}

export function scanJson(args: string[], options: { cwd?: string; input?: string | Buffer } = {}): CliResult & { report: JsonReport } {
  const result = runCli(['scan', ...args, '--format', 'json', '--no-redact', '--threads', '1'], options);
  let report: JsonReport;
  try {
    report = JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`no JSON report (exit ${result.status}): ${result.stderr}`);
  }
  return { ...result, report };
}

export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org' },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}
