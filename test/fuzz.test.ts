import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { directedCases, fuzz } from '../scripts/fuzz.mjs';
import { CLI, tempDir } from './helpers.js';

interface Crash {
  index: number;
  message: string;
  directed?: string;
}

describe('fuzzing: mutated rules, configs, gitleaks TOMLs, content and webhook bodies never crash keyward', () => {
  it('500 mutated inputs (plus the directed cases) give no crash and no hang', async () => {
    const results = (await fuzz({ count: 500, seed: 20261201, hangMs: 20_000 })) as Record<string, { run: number; crashes: Crash[]; hangs: number }>;
    const run = Object.values(results).reduce((sum, result) => sum + result.run, 0);
    expect(run).toBeGreaterThanOrEqual(500);
    const crashes = Object.entries(results).flatMap(([target, result]) => result.crashes.map((crash) => `${target} ${crash.directed ?? `#${crash.index}`}: ${crash.message}`));
    expect(crashes).toEqual([]);
  }, 300_000);

  it('every directed nasty case through the built CLI: exit 0-2, one line, no stack trace, no "internal error", no hang', () => {
    const dir = tempDir('keyward-fuzz-cli-');
    writeFileSync(join(dir, 'plain.txt'), 'nothing to see\n');
    const cases = (directedCases() as { target: string; name: string; input: string | Buffer }[]).filter((c) => c.target !== 'webhook');
    expect(cases.length).toBeGreaterThan(15);
    const failures: string[] = [];
    cases.forEach((c, n) => {
      const file = join(dir, `case-${n}${c.target === 'gitleaks-toml' ? '.toml' : c.target === 'content' ? '.env' : '.yml'}`);
      writeFileSync(file, c.input);
      const args =
        c.target === 'rule-file' ? ['rules', 'check', '--rules', file] : c.target === 'content' ? ['scan', file, '--threads', '1'] : ['scan', join(dir, 'plain.txt'), '--config', file];
      const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' } });
      const problem =
        result.status === null
          ? `hang or signal (${result.signal})`
          : result.status > 2
            ? `exit ${result.status}`
            : /internal error|\n\s+at [^\n]+:\d+:\d+/.test(result.stderr)
              ? `crash: ${result.stderr.split('\n').slice(0, 2).join(' ')}`
              : result.status === 2 && c.target !== 'rule-file' && result.stderr.split('\n').filter((line) => line.startsWith('keyward: error:')).length !== 1
                ? `exit 2 without exactly one error line: ${result.stderr.slice(0, 200)}`
                : result.stderr.split('\n').some((line) => line !== '' && !line.startsWith('keyward:') && !line.startsWith('hint:'))
                  ? `stray output on stderr: ${result.stderr.slice(0, 200)}`
                  : undefined;
      if (problem !== undefined) failures.push(`${c.target} "${c.name}": ${problem}`);
    });
    expect(failures).toEqual([]);
  }, 300_000);
});
