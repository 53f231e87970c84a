import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeRandom, REPO_ROOT, tempDir } from './helpers.js';

const SCRIPT = join(REPO_ROOT, 'scripts', 'eval-generic.mjs');
const UPPER_BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

interface Counts {
  positives: number;
  negatives: number;
  tp: number;
  fn: number;
  fp: number;
  tn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}
interface Half {
  overall: Counts;
  families: Record<string, Counts>;
  misses?: { file: string; line: number }[];
  falsePositives?: { file: string; line: number; family: string }[];
}

function runEval(args: string[]) {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' } });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** An AWS access key id made at test time: a provider rule finds it whatever the generic scorer does. */
function awsKeyId(seed: number): string {
  return `AKIA${fakeRandom(UPPER_BASE32, 16, seed)}`;
}

/** One half: a found positive, a miss, a clean negative and a finding on an unlabelled line. */
function writeHalf(root: string, name: string, seed: number): void {
  const dir = join(root, name);
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(
    join(dir, 'config', 'cloud.ini'),
    ['[aws]', `aws_access_key_id = ${awsKeyId(seed)}`, 'region = eu-west-1', 'port = 8080', `backup_key_id = ${awsKeyId(seed + 1)}`, ''].join('\n'),
  );
  writeFileSync(join(dir, 'notes.txt'), ['plain words about nothing in particular', ''].join('\n'));
  const labels = [
    { file: 'config/cloud.ini', line: 2, label: 'secret', family: 'config', secret: awsKeyId(seed) },
    { file: 'config/cloud.ini', line: 4, label: 'none', family: 'config' },
    { file: 'notes.txt', line: 1, label: 'secret', family: 'key-value-other', secret: 'particular' },
  ];
  writeFileSync(join(dir, 'labels.jsonl'), labels.map((l) => JSON.stringify(l)).join('\n') + '\n');
  // About the set, never scanned: a key here would be a false positive if it were.
  writeFileSync(join(dir, 'README.md'), `How this half was made. ${awsKeyId(seed + 2)}\n`);
}

function expectConsistent(half: Half): void {
  const { overall, families } = half;
  expect(overall.tp + overall.fn).toBe(overall.positives);
  expect(overall.tn).toBeLessThanOrEqual(overall.negatives);
  for (const key of ['positives', 'negatives', 'tp', 'fn', 'fp', 'tn'] as const) {
    expect(Object.values(families).reduce((sum, c) => sum + c[key], 0)).toBe(overall[key]);
  }
  for (const c of [overall, ...Object.values(families)]) {
    expect(c.tp + c.fn).toBe(c.positives);
    if (c.tp + c.fp > 0) expect(c.precision).toBeCloseTo(c.tp / (c.tp + c.fp), 10);
    if (c.positives > 0) expect(c.recall).toBeCloseTo(c.tp / c.positives, 10);
  }
}

describe('npm run eval:generic (scripts/eval-generic.mjs)', () => {
  const root = tempDir('keyward-eval-set-');
  writeHalf(root, 'tune', 11);
  writeHalf(root, 'holdout', 29);

  it('scores both halves with counts that add up, listing cases for the tune half only', () => {
    const result = runEval(['--root', root, '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { splits: Record<string, Half> };
    for (const name of ['tune', 'holdout']) {
      const half = report.splits[name]!;
      expectConsistent(half);
      expect(half.overall).toMatchObject({ positives: 2, negatives: 1, tp: 1, fn: 1, fp: 1, tn: 1 });
      expect(half.overall.precision).toBeCloseTo(0.5, 10);
      expect(half.overall.f1).toBeCloseTo(0.5, 10);
      expect(half.families['unlabelled']!.fp).toBe(1);
      expect(half.families['key-value-other']!.fn).toBe(1);
    }
    const tune = report.splits['tune']!;
    expect(tune.misses).toEqual([{ file: 'notes.txt', line: 1, family: 'key-value-other' }]);
    expect(tune.falsePositives).toMatchObject([{ file: 'config/cloud.ini', line: 5, family: 'unlabelled' }]);
    expect(report.splits['holdout']!.misses).toBeUndefined();
    expect(report.splits['holdout']!.falsePositives).toBeUndefined();
  });

  it('prints holdout aggregates without naming a holdout case', () => {
    const result = runEval(['--root', root, '--split', 'holdout']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/holdout: precision 0\.500 {2}recall 0\.500 {2}F1 0\.500/);
    expect(result.stdout).not.toContain('notes.txt');
    expect(result.stdout).not.toContain('cloud.ini');
    expect(result.stdout).not.toContain('AKIA');
  });

  it('rejects a bad label with one line naming the file, line and field', () => {
    const bad = tempDir('keyward-eval-bad-');
    writeHalf(bad, 'tune', 5);
    writeFileSync(join(bad, 'tune', 'labels.jsonl'), JSON.stringify({ file: 'notes.txt', line: 1, label: 'maybe', family: 'config' }) + '\n');
    const result = runEval(['--root', bad, '--split', 'tune']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/labels\.jsonl:1: field 'label' must be "secret" or "none", not "maybe"/);
  });

  it('rejects a label past the end of its file', () => {
    const bad = tempDir('keyward-eval-bad-');
    writeHalf(bad, 'tune', 6);
    writeFileSync(join(bad, 'tune', 'labels.jsonl'), JSON.stringify({ file: 'notes.txt', line: 40, label: 'none', family: 'config' }) + '\n');
    const result = runEval(['--root', bad, '--split', 'tune']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/labels\.jsonl:1: field 'line': notes\.txt has only 2 lines, not 40/);
  });
});
