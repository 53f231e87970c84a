import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { git, scanJson, stripeKey } from './util.js';

// One key per line; each marker line says whether the key on it (or after it) must be hidden.
const key = stripeKey(101);
const cases: { marker: string; where: 'same' | 'previous'; hidden: boolean }[] = [
  { marker: '# keyward:allow', where: 'same', hidden: true },
  { marker: '// gitleaks:allow', where: 'same', hidden: true },
  { marker: '# trufflehog:ignore', where: 'same', hidden: true },
  { marker: '# pragma: allowlist secret', where: 'same', hidden: true },
  { marker: '# keyward:allow-next-line', where: 'previous', hidden: true },
  { marker: '# pragma: allowlist nextline secret', where: 'previous', hidden: true },
  // Same-line markers do not reach the next line, and next-line markers do not hide their own line's key.
  { marker: '# keyward:allow', where: 'previous', hidden: false },
  { marker: '# gitleaks:allow', where: 'previous', hidden: false },
  { marker: '# trufflehog:ignore', where: 'previous', hidden: false },
  { marker: '# pragma: allowlist secret', where: 'previous', hidden: false },
];

function fileFor(index: number): { name: string; text: string } {
  const { marker, where } = cases[index]!;
  const line = `STRIPE_KEY = "${key}"`;
  const text = where === 'same' ? `# header\n${line} ${marker}\n` : `# header\n${marker}\n${line}\n`;
  return { name: `case${index}.py`, text };
}

function expectCases(paths: string[]): void {
  cases.forEach((testCase, index) => {
    const reported = paths.includes(fileFor(index).name);
    expect(reported, `${testCase.marker} on the ${testCase.where} line`).toBe(!testCase.hidden);
  });
}

describe('inline ignore markers', () => {
  it('work in a working-tree scan, and are counted as inline-ignore', () => {
    const root = tempDir();
    cases.forEach((_, index) => writeFileSync(join(root, fileFor(index).name), fileFor(index).text));
    const { status, report } = scanJson([root]);
    expect(status).toBe(1);
    expectCases(report.findings.map((f) => f.path));
    expect(report.stats.dropped['inline-ignore']).toBe(cases.filter((c) => c.hidden).length);
    expect(report.stats.droppedByRule['stripe-secret-key-live']?.['inline-ignore']).toBe(cases.filter((c) => c.hidden).length);
  });

  it('work on stdin', () => {
    cases.forEach((testCase, index) => {
      const { report } = scanJson(['-'], { input: fileFor(index).text });
      expect(report.findings.length, testCase.marker).toBe(testCase.hidden ? 0 : 1);
    });
  });

  it('a marker elsewhere in the file hides nothing', () => {
    const { report } = scanJson(['-'], { input: `# keyward:allow\n\nSTRIPE_KEY = "${key}"\n` });
    expect(report.findings).toHaveLength(1);
  });

  it('work in a staged scan', () => {
    const repo = tempDir();
    git(repo, 'init', '-q');
    cases.forEach((_, index) => writeFileSync(join(repo, fileFor(index).name), fileFor(index).text));
    git(repo, 'add', '.');
    const { report } = scanJson(['--staged'], { cwd: repo });
    expectCases(report.findings.map((f) => f.path));
  });

  it('work in a history scan', () => {
    const repo = tempDir();
    git(repo, 'init', '-q');
    mkdirSync(join(repo, 'sub'));
    cases.forEach((_, index) => writeFileSync(join(repo, fileFor(index).name), fileFor(index).text));
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'keys');
    const { report } = scanJson(['--history'], { cwd: repo });
    // One key in every file: history reports one incident, whose places are the files not ignored.
    expect(report.findings).toHaveLength(1);
    const places = (report.findings[0] as { occurrences?: { path: string }[] }).occurrences ?? [];
    expectCases(places.map((place) => place.path));
  });
});
