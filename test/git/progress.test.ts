import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { terminalProgress } from '../../src/scan/progress.js';
import { CLI, runCli } from '../helpers.js';
import { commit, fakeKey, makeRepo } from './repo.js';

describe('history progress', () => {
  it('shows blobs and bytes done of the totals, the rate and an ETA from bytes once the total is known', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = terminalProgress((text) => lines.push(text), 'keyward: history', () => now);
    now = 2000;
    progress.update({ blobs: 50, bytes: 20 * 1024 * 1024 }, { blobs: 100, final: true, bytes: 80 * 1024 * 1024, bytesFinal: true });
    expect(lines.at(-1)).toContain('50/100 blobs, 20.0 MB/80.0 MB, 10.0 MB/s, ETA 6s');
    expect(lines.at(-1)).toContain('[#####...............]');
    now = 2050; // within the redraw interval: nothing is written
    progress.update({ blobs: 60, bytes: 30 * 1024 * 1024 }, { blobs: 100, final: true, bytes: 80 * 1024 * 1024, bytesFinal: true });
    expect(lines).toHaveLength(1);
    now = 3000;
    progress.update({ blobs: 70, bytes: 30 * 1024 * 1024 }, { blobs: 120, final: false, bytes: 90 * 1024 * 1024, bytesFinal: false });
    expect(lines.at(-1)).toContain('70/120+ blobs, 30.0 MB/90.0 MB+, 10.0 MB/s');
    expect(lines.at(-1)).not.toContain('ETA');
    progress.finish();
    expect(lines.at(-1)).toBe('\r\x1b[K');
  });

  it('draws on a terminal, and is silent with --quiet or when stderr is not a terminal', () => {
    const repo = makeRepo();
    for (let i = 0; i < 3; i++) commit(repo, `c${i}`, { 'a.env': `KEY=${fakeKey()}\n# ${i}\n`, [`f${i}.txt`]: 'x\n'.repeat(100) });
    // script(1) gives the CLI a pseudo-terminal, as a user's shell would.
    const inTty = (args: string) =>
      spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" scan --history ${args} "${repo}" --format json -o /dev/null`, '/dev/null'], {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NO_COLOR: '1', TERM: 'xterm' },
      });
    const shown = inTty('');
    expect(shown.status).toBe(1);
    // A history this small is done before the byte total arrives; the unit test above covers that part.
    expect(shown.stdout).toMatch(/keyward: history .*\d+\/\d+\+? blobs, [\d.]+ (B|KB)(\/[\d.]+ (B|KB)\+?)?, .*\/s/);
    const quiet = inTty('--quiet');
    expect(quiet.status).toBe(1);
    expect(quiet.stdout).not.toContain('keyward: history');
    const piped = runCli(['scan', '--history', repo, '--format', 'json', '-o', '/dev/null']);
    expect(piped.status).toBe(1);
    expect(piped.stderr).not.toContain('keyward: history');
  });
});
