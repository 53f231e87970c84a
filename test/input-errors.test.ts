import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

/** One line on stderr, exit 2, no stack trace and no "internal error". */
function expectUsageError(result: { status: number; stderr: string }, ...expected: string[]): void {
  expect(result.status).toBe(2);
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr).not.toMatch(/\n\s+at /);
  const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('keyward: error:'));
  expect(errorLines).toHaveLength(1);
  for (const text of expected) expect(errorLines[0]).toContain(text);
}

describe('bad options and config values: one line naming the value, exit 2', () => {
  const dir = tempDir('keyward-input-');
  writeFileSync(join(dir, 'a.txt'), 'nothing here\n');

  it.each([
    [['--threads', '0'], "--threads: '0' is not a whole number from 1 to 64"],
    [['--threads', '-1'], "--threads: '-1' is not a whole number from 1 to 64"],
    [['--threads', '1000'], "--threads: '1000' is not a whole number from 1 to 64"],
    [['--decode-depth', '99'], "--decode-depth: '99' is not a whole number from 0 to 4"],
    [['--decode-depth', '-1'], "--decode-depth: '-1' is not a whole number from 0 to 4"],
    [['--max-count', 'abc'], "--max-count: 'abc' is not a whole number of at least 1"],
  ])('scan %j', (flags, message) => {
    expectUsageError(runCli(['scan', dir, ...flags]), message);
  });

  it('a long bad value is withheld, not echoed (it may be a pasted key)', () => {
    const pasted = 'sk_live_51HqLyjFAKEa7b9QdXk2Lm4Np6Rs8Tu0Vw';
    const result = runCli(['scan', dir, '--max-count', pasted]);
    expectUsageError(result, '--max-count', 'withheld');
    expect(result.stderr).not.toContain(pasted);
    expect(result.stderr).not.toContain('sk_live_51Hq');
  });

  it('an unknown kebab-case option is named once', () => {
    const result = runCli(['scan', dir, '--body-bits', '3']);
    expectUsageError(result, 'unknown option --body-bits');
    expect(result.stderr).not.toContain('bodyBits');
  });

  it('max_file_size: lots names the field, the value and what a size looks like', () => {
    const config = join(dir, 'lots.yml');
    writeFileSync(config, 'max_file_size: lots\n');
    expectUsageError(runCli(['scan', dir, '--config', config]), 'lots.yml:1', 'max_file_size', '"lots" is not a size');
  });

  it('a YAML alias bomb in .keyward.yml or a rule file is refused in one line, quickly', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    let previous = 'a';
    for (const name of 'bcdefghi') {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
      previous = name;
    }
    const config = join(dir, 'bomb.yml');
    writeFileSync(config, `${lines.join('\n')}\nrules: {disable: *i}\n`);
    expectUsageError(runCli(['scan', dir, '--config', config]), 'bomb.yml', 'YAML aliases expand too far');
    const rules = join(dir, 'bomb-rules.yml');
    writeFileSync(rules, `${lines.join('\n')}\nrules: *i\n`);
    expectUsageError(runCli(['rules', 'check', '--rules', rules]), 'bomb-rules.yml', 'YAML aliases expand too far');
  });

  it('a rule missing several fields names all of them', () => {
    const rules = join(dir, 'thin.yml');
    writeFileSync(rules, 'rules:\n  - id: thin-rule\n    name: Thin\n');
    const result = runCli(['rules', 'check', '--rules', rules]);
    expectUsageError(result, 'thin.yml:2', 'rule thin-rule', 'missing required fields');
    for (const field of ['description', 'severity', 'keywords', 'pattern', 'examples']) expect(result.stderr).toContain(`'${field}'`);
  });
});
