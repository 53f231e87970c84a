import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { fakeRandom, runCli, tempDir, type CliResult } from '../helpers.js';

export const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random-looking fake credential, made at test time. */
export function fake(length: number, seed: number): string {
  return fakeRandom(ALNUM, length, seed);
}

export interface GenericFinding {
  ruleId: string;
  path: string;
  line: number;
  endLine: number;
  secret: string;
  severity: string;
  confidence?: string;
  score?: number;
  decoded?: string[];
  jwt?: Record<string, unknown>;
}

/** Writes `files` into a fresh folder and scans it with the built CLI; secrets in full unless `redact`. */
export function scanFiles(files: Record<string, string>, args: string[] = [], redact = false): CliResult & { findings: GenericFinding[] } {
  const dir = tempDir('keyward-generic-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const result = runCli(['scan', '.', '--format', 'json', '--threads', '1', ...(redact ? [] : ['--no-redact']), ...args], { cwd: dir });
  let findings: GenericFinding[];
  try {
    findings = (JSON.parse(result.stdout) as { findings: GenericFinding[] }).findings;
  } catch {
    throw new Error(`no JSON report (exit ${result.status}): ${result.stderr}`);
  }
  return { ...result, findings };
}

/** A line of a test file: with `secret`, a finding of that secret must be on it; without, no finding may be. */
export interface Case {
  text: string;
  secret?: string;
  rule?: string;
}

/**
 * Scans one file made of `cases` (one line each, with ordinary filler between, so that each case stands
 * alone) and checks every line: the positives are found with their exact secret, the near misses are not.
 */
export function expectCases(path: string, cases: Case[], args: string[] = []): GenericFinding[] {
  const lines: string[] = [];
  const lineOf: number[] = [];
  for (const c of cases) {
    lineOf.push(lines.length + 1);
    lines.push(...c.text.split('\n'));
    lines.push('');
  }
  const { findings, stderr, status } = scanFiles({ [path]: lines.join('\n') }, args);
  expect(status, stderr).toBeLessThan(2);
  const problems: string[] = [];
  cases.forEach((c, index) => {
    const first = lineOf[index]!;
    const last = first + c.text.split('\n').length - 1;
    const here = findings.filter((f) => f.line >= first && f.line <= last);
    if (c.secret === undefined) {
      if (here.length > 0) problems.push(`near miss reported: ${JSON.stringify(c.text)} → ${here.map((f) => `${f.ruleId} ${JSON.stringify(f.secret)}`).join(', ')}`);
    } else if (!here.some((f) => f.secret === c.secret && (c.rule === undefined || f.ruleId === c.rule))) {
      problems.push(`missed: ${JSON.stringify(c.text)} (want ${c.rule ?? 'a finding'} ${JSON.stringify(c.secret)}; got ${JSON.stringify(here.map((f) => [f.ruleId, f.secret]))})`);
    }
  });
  expect(problems).toEqual([]);
  return findings;
}
