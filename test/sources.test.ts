// Issue 16 items 1, 2, 4, 10, 17 and 18, each through the built CLI: inputs that used to be read as empty,
// skipped silently, hang, or be summed up wrongly.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from './helpers.js';
import { commit, fakeKey, git, makeRepo } from './git/repo.js';

interface Report {
  findings: { path: string; line: number; column: number; ruleId: string; secretSha256: string }[];
  stats: Record<string, number>;
  warnings: string[];
}

function json(result: { stdout: string; stderr: string; status: number }): Report {
  try {
    return JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`not JSON (exit ${result.status}): ${result.stdout}\n${result.stderr}`);
  }
}

describe('pipes and devices named as files (issue 16 item 1)', () => {
  const dir = tempDir();
  const file = join(dir, 'leak.env');
  writeFileSync(file, `# config\nSTRIPE=${fakeKey(1)}\n`);

  it('reads /dev/stdin given a pipe to its end', () => {
    const result = runCli(['scan', '/dev/stdin', '--format', 'json'], { input: `# config\nSTRIPE=${fakeKey(1)}\n` });
    expect(result.status, result.stderr).toBe(1);
    const report = json(result);
    expect(report.findings.map((f) => [f.ruleId, f.line])).toEqual([['stripe-secret-key-live', 2]]);
    expect(report.stats['bytesScanned']).toBeGreaterThan(20);
  });

  it('reads /dev/stdin when a shell pipes into it', () => {
    const shell = spawnSync('bash', ['-c', `cat "${file}" | "${process.execPath}" "${CLI}" scan /dev/stdin --format json`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' }, timeout: 30_000 });
    expect(shell.status, shell.stderr).toBe(1);
    expect(json({ stdout: shell.stdout, stderr: shell.stderr, status: shell.status ?? -1 }).findings.map((f) => f.path)).toEqual(['/dev/stdin']);
  });

  it('reads a process substitution <(…) to its end', () => {
    const shell = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" scan <(cat "${file}") --format json`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' }, timeout: 30_000 });
    expect(shell.status, shell.stderr).toBe(1);
    expect(json({ stdout: shell.stdout, stderr: shell.stderr, status: shell.status ?? -1 }).findings).toHaveLength(1);
  });

  it('bounds a device by --max-file-size instead of reading forever', () => {
    const result = runCli(['scan', '/dev/zero', '--max-file-size', '64KB']);
    // A stream of NUL bytes is binary; the point is that it ends.
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('binary file');
  });
});

describe('a FIFO (issue 16 item 10)', () => {
  it('named on the command line is skipped with a warning, never waited on', () => {
    const dir = tempDir();
    const fifo = join(dir, 'p');
    execFileSync('mkfifo', [fifo]);
    const result = spawnSync(process.execPath, [CLI, 'scan', fifo], { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' } });
    expect(result.signal, 'the scan hung on the FIFO').toBeNull();
    expect(result.stderr).toMatch(/warning: skipped .*p: a named pipe \(FIFO\)/);
    expect(result.stderr).toContain('scanned 0 files');
    expect(result.status).toBe(2);
  });

  it('met in a tree walk is skipped and counted, and the rest is scanned', () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    writeFileSync(join(dir, 'a.env'), `K=${fakeKey(2)}\n`);
    const result = runCli(['scan', dir, '--format', 'json']);
    expect(result.status).toBe(1);
    const report = json(result);
    expect(report.stats['fifosSkipped']).toBe(1);
    expect(report.findings.map((f) => f.path)).toEqual(['a.env']);
  });
});

describe('inside a git work tree, git says which files there are (issue 16 item 2)', () => {
  it('scans a tracked file that .gitignore matches, skips untracked ignored ones, and honours .keywardignore', () => {
    const repo = makeRepo();
    commit(repo, 'config', { '.env': `STRIPE=${fakeKey(3)}\n`, 'fixtures/sample.env': `STRIPE=${fakeKey(4)}\n`, 'app.js': 'console.log(1);\n' });
    commit(repo, 'ignore it now', { '.gitignore': '.env\n*.log\n', '.keywardignore': 'fixtures/\n' });
    writeFileSync(join(repo, 'debug.log'), `STRIPE=${fakeKey(5)}\n`);
    writeFileSync(join(repo, 'new.txt'), `STRIPE=${fakeKey(6)}\n`);
    const result = runCli(['scan', '.', '--format', 'json'], { cwd: repo });
    expect(result.status, result.stderr).toBe(1);
    const report = json(result);
    expect(report.findings.map((f) => f.path).sort()).toEqual(['.env', 'new.txt']);
    expect(report.stats['pathsIgnored']).toBeGreaterThanOrEqual(2);
    // From a subdirectory, paths are relative to it, and the repository's ignore rules still apply.
    mkdirSync(join(repo, 'sub'));
    writeFileSync(join(repo, 'sub', 'trace.log'), `STRIPE=${fakeKey(7)}\n`);
    writeFileSync(join(repo, 'sub', 'x.env'), `STRIPE=${fakeKey(8)}\n`);
    const sub = json(runCli(['scan', 'sub', '--format', 'json'], { cwd: repo }));
    expect(sub.findings.map((f) => f.path)).toEqual(['x.env']);
  });

  it('a directory git ignores as a whole, named on purpose, is still scanned', () => {
    const repo = makeRepo();
    commit(repo, 'ignore build', { '.gitignore': 'build/\n' });
    mkdirSync(join(repo, 'build'));
    writeFileSync(join(repo, 'build', 'out.js'), `const k = "${fakeKey(9)}";\n`);
    expect(json(runCli(['scan', 'build', '--format', 'json'], { cwd: repo })).findings.map((f) => f.path)).toEqual(['out.js']);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });
});

describe('paths named on the command line (issue 16 item 4)', () => {
  it('a missing path beside a good one is an input error naming it: exit 2, one line, no report', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'README.md'), '# hello\n');
    const result = runCli(['scan', 'README.md', 'srcc'], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['keyward: error: cannot scan srcc: no such file or directory']);
    expect(result.stdout).toBe('');
  });

  it('an unreadable directory or file named beside a good one is an input error', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ok.txt'), 'fine\n');
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o000);
    writeFileSync(join(dir, 'secret.env'), 'x\n');
    chmodSync(join(dir, 'secret.env'), 0o000);
    for (const bad of ['locked', 'secret.env']) {
      const result = runCli(['scan', 'ok.txt', bad], { cwd: dir, unprivileged: true });
      expect(result.status, bad).toBe(2);
      expect(result.stderr).toContain(`keyward: error: cannot scan ${bad}: permission denied`);
    }
    chmodSync(join(dir, 'locked'), 0o755);
  });
});

describe('summaries (issue 16 item 17)', () => {
  it('name what was skipped: ignored paths, symlinks and FIFOs', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.gitignore'), 'skip.txt\n');
    writeFileSync(join(dir, 'skip.txt'), 'x\n');
    writeFileSync(join(dir, 'main.txt'), 'y\n');
    symlinkSync('main.txt', join(dir, 'link.txt'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const result = runCli(['scan', dir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/no secrets found; scanned 2 files, .*; skipped 1 ignored, 1 symlink, 1 FIFO or device/);
  });

  it('says "1 file", not "1 files"', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'one.txt'), 'x\n');
    expect(runCli(['scan', join(dir, 'one.txt')]).stdout).toMatch(/scanned 1 file, /);
  });

  it('warns and exits 2 when everything given was ignored', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.gitignore'), '*.env\n.gitignore\n');
    writeFileSync(join(dir, 'a.env'), `K=${fakeKey(10)}\n`);
    const result = runCli(['scan', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('keyward: warning: scanned 0 files: everything given was skipped (2 ignored)');
    expect(runCli(['scan', dir, '--no-ignore-files']).status).toBe(1);
  });

  it('after --baseline-write says what it recorded, not "no secrets found"', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.env'), `K=${fakeKey(11)}\nL=${fakeKey(12)}\n`);
    const result = runCli(['scan', dir, '--baseline-write', join(dir, '..', 'base.json')]);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('no secrets found');
    expect(result.stdout).toMatch(/recorded 2 findings in baseline .*base\.json; scanned 1 file/);
  });

  it('warns about an unreadable .gitignore once, in a plain folder and in a git work tree', () => {
    const plain = tempDir();
    writeFileSync(join(plain, 'a.txt'), 'x\n');
    writeFileSync(join(plain, '.gitignore'), '*.log\n');
    chmodSync(join(plain, '.gitignore'), 0o000);
    const repo = makeRepo();
    commit(repo, 'one', { 'a.txt': 'x\n' });
    writeFileSync(join(repo, '.gitignore'), '*.log\n');
    chmodSync(join(repo, '.gitignore'), 0o000);
    for (const dir of [plain, repo]) {
      const result = runCli(['scan', '.'], { cwd: dir, unprivileged: true });
      expect(result.stderr.match(/cannot read \.gitignore/g), `${dir}: ${result.stderr}`).toHaveLength(1);
    }
  });
});

describe('UTF-16 text (issue 16 item 18)', () => {
  const line2 = (key: string) => `# settings\nstripe_key = "${key}"\n`;
  const encode = (text: string, encoding: 'le' | 'be', bom: boolean) => {
    const le = Buffer.from((bom ? '\ufeff' : '') + text, 'utf16le');
    return encoding === 'le' ? le : Buffer.from(le).swap16();
  };

  it('finds keys in UTF-16 LE and BE files, with and without a BOM, at the right line and column', () => {
    const dir = tempDir();
    const cases = [
      ['le-bom.txt', 'le', true],
      ['be-bom.txt', 'be', true],
      ['le.txt', 'le', false],
      ['be.txt', 'be', false],
    ] as const;
    cases.forEach(([name, encoding, bom], i) => writeFileSync(join(dir, name), encode(line2(fakeKey(20 + i)), encoding, bom)));
    // A real binary file with NUL bytes stays binary.
    writeFileSync(join(dir, 'image.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0]));
    const result = runCli(['scan', dir, '--format', 'json']);
    expect(result.status).toBe(1);
    const report = json(result);
    expect(report.findings.map((f) => [f.path, f.line, f.column]).sort()).toEqual(cases.map(([name]) => [name, 2, 15]).sort());
    expect(report.stats['filesBinary']).toBe(1);
  });
});
