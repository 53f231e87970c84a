import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { commit, fakeKey, git, gitWithHooks, keywardOnPath, makeRepo, write } from './repo.js';

describe('pre-commit: keyward scan --staged and its hook', () => {
  const bin = keywardOnPath();

  it('the installed hook blocks a commit that adds a key and lets a clean one through', () => {
    const repo = makeRepo();
    commit(repo, 'first', { 'app.js': 'console.log(1);\n' });
    const install = runCli(['install-hook'], { cwd: repo });
    expect(install.status).toBe(0);
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    expect(readFileSync(hook, 'utf8')).toContain('# installed by keyward');
    expect(statSync(hook).mode & 0o111).not.toBe(0);

    write(repo, { 'app.js': `console.log(1);\nconst stripe = "${fakeKey()}";\n` });
    git(repo, 'add', 'app.js');
    const blocked = gitWithHooks(repo, bin, 'commit', '-q', '-m', 'add stripe');
    expect(blocked.status).toBe(1);
    const output = blocked.stdout + blocked.stderr;
    expect(output).toContain('app.js');
    expect(output).toMatch(/2:\d+\s+critical\s+stripe-secret-key-live\s+sk_live_51Hq…/);
    expect(output).toContain('commit blocked');
    expect(output).toContain('keyward:allow');
    expect(output).toContain('--no-verify');
    expect(output).not.toContain(fakeKey());
    expect(git(repo, 'log', '--format=%s')).toBe('first');

    write(repo, { 'app.js': 'console.log(2);\n' });
    git(repo, 'add', 'app.js');
    const clean = gitWithHooks(repo, bin, 'commit', '-q', '-m', 'clean change');
    expect(clean.status).toBe(0);
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('clean change');
  });

  it('works with PATH limited to /usr/bin:/bin (a GUI client, or node bin/keyward.js install-hook), and fails with one line once its node or CLI is gone', () => {
    const repo = makeRepo();
    commit(repo, 'first', { 'app.js': 'console.log(1);\n' });
    expect(runCli(['install-hook'], { cwd: repo }).status).toBe(0);
    const minimal = (...args: string[]) => {
      try {
        const stdout = execFileSync('git', args, {
          cwd: repo,
          encoding: 'utf8',
          env: { PATH: '/usr/bin:/bin', HOME: repo, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        return { status: 0, output: stdout };
      } catch (error) {
        const failed = error as { status: number; stdout: string; stderr: string };
        return { status: failed.status, output: String(failed.stdout) + String(failed.stderr) };
      }
    };
    write(repo, { 'app.js': 'console.log(2);\n' });
    git(repo, 'add', 'app.js');
    const clean = minimal('commit', '-q', '-m', 'clean change');
    expect(clean.output).not.toContain('npx');
    expect(clean.status).toBe(0);
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('clean change');

    write(repo, { 'app.js': `const stripe = "${fakeKey()}";\n` });
    git(repo, 'add', 'app.js');
    const blocked = minimal('commit', '-q', '-m', 'add stripe');
    expect(blocked.status).toBe(1);
    expect(blocked.output).toContain('stripe-secret-key-live');
    expect(blocked.output).not.toContain(fakeKey());
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('clean change');

    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^KEYWARD_CLI=.*$/m, "KEYWARD_CLI='/nonexistent/keyward/bin/keyward.js'"));
    const gone = minimal('commit', '-q', '-m', 'add stripe');
    expect(gone.status).not.toBe(0);
    expect(gone.output.trim().split('\n')).toHaveLength(1);
    expect(gone.output).toContain('keyward: error: the pre-commit hook cannot find keyward');
    expect(gone.output).toContain('keyward install-hook');
    expect(gone.output).not.toContain('npx');
  });

  it('does not block on a key that is only in the working tree, or one already committed', () => {
    const repo = makeRepo();
    commit(repo, 'old key, committed before the hook', { 'legacy.env': `OLD=${fakeKey(6)}\n` });
    runCli(['install-hook'], { cwd: repo });
    // Staged: a clean edit to a file that already holds a key. Unstaged: a new key.
    write(repo, { 'legacy.env': `OLD=${fakeKey(6)}\nMODE=test\n` });
    git(repo, 'add', 'legacy.env');
    write(repo, { 'legacy.env': `OLD=${fakeKey(6)}\nMODE=test\nNEW=${fakeKey(7)}\n`, 'untracked.env': `K=${fakeKey(8)}\n` });

    const scan = runCli(['scan', '--staged'], { cwd: repo });
    expect(scan.status).toBe(0);
    expect(scan.stdout).toContain('no secrets found');
    expect(gitWithHooks(repo, bin, 'commit', '-q', '-m', 'edit').status).toBe(0);

    // Staging the new key changes the answer; the report points at the staged line.
    git(repo, 'add', 'legacy.env');
    const json = runCli(['scan', '--staged', '--format', 'json'], { cwd: repo });
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as { kind: string; findings: { path: string; line: number }[] };
    expect(report.kind).toBe('staged');
    expect(report.findings).toEqual([expect.objectContaining({ path: 'legacy.env', line: 3 })]);
  });

  it('scans staged content, not the working tree copy, in a new repository and from a subfolder', () => {
    const repo = makeRepo();
    write(repo, { 'sub/dir/conf.env': `KEY=${fakeKey(9)}\n`, 'name with space.txt': `K=${fakeKey(10)}\n` });
    git(repo, 'add', '-A');
    write(repo, { 'sub/dir/conf.env': 'KEY=removed-in-the-worktree-only\n' });
    const result = runCli(['scan', '--staged', '--format', 'json'], { cwd: join(repo, 'sub') });
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: { path: string }[] };
    expect(report.findings.map((f) => f.path)).toEqual(['name with space.txt', 'sub/dir/conf.env']);
  });

  it('refuses to overwrite a foreign hook without --force, and honours core.hooksPath', () => {
    const repo = makeRepo();
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho mine\n', { mode: 0o755 });
    const refused = runCli(['install-hook'], { cwd: repo });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('already exists and was not installed by keyward');
    expect(readFileSync(hook, 'utf8')).toContain('echo mine');

    const forced = runCli(['install-hook', '--force'], { cwd: repo });
    expect(forced.status).toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain('# installed by keyward');
    expect(readFileSync(`${hook}.keyward-backup`, 'utf8')).toContain('echo mine');
    expect(runCli(['install-hook'], { cwd: repo }).stdout).toContain('updated');

    git(repo, 'config', 'core.hooksPath', 'githooks');
    expect(runCli(['install-hook', '--pre-push', repo]).status).toBe(0);
    const custom = join(repo, 'githooks', 'pre-push');
    expect(readFileSync(custom, 'utf8')).toContain('scan --pre-push');
    expect(existsSync(join(repo, '.git', 'hooks', 'pre-push'))).toBe(false);

    expect(runCli(['install-hook', tempDir()]).stderr).toContain('is not a git repository');
  });
});

describe('pre-push: keyward scan --pre-push and its hook', () => {
  const bin = keywardOnPath();

  it('scans only the commits being pushed', () => {
    const remote = join(tempDir(), 'remote.git');
    git(tempDir(), 'init', '-q', '--bare', '-b', 'main', remote);
    const repo = makeRepo();
    git(repo, 'remote', 'add', 'origin', remote);
    // A key already on the remote (pushed before the hook existed) must not block later pushes.
    commit(repo, 'old leak', { 'old.env': `K=${fakeKey(11)}\n` });
    expect(gitWithHooks(repo, bin, 'push', '-q', 'origin', 'main').status).toBe(0);
    expect(runCli(['install-hook', '--pre-push'], { cwd: repo }).status).toBe(0);

    commit(repo, 'clean work', { 'a.txt': 'a\n' });
    const clean = gitWithHooks(repo, bin, 'push', '-q', 'origin', 'main');
    expect(clean.stderr).not.toContain('stripe');
    expect(clean.status).toBe(0);

    const leak = commit(repo, 'new leak', { 'new.env': `K=${fakeKey(12)}\n` });
    commit(repo, 'delete it again', {});
    git(repo, 'rm', '-q', 'new.env');
    commit(repo, 'really delete it');
    const blocked = gitWithHooks(repo, bin, 'push', '-q', 'origin', 'main');
    expect(blocked.status).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain('new.env');
    expect(blocked.stdout + blocked.stderr).toContain(leak.slice(0, 12));
    expect(blocked.stdout + blocked.stderr).not.toContain('old.env');
    expect(blocked.stdout + blocked.stderr).toContain('push blocked');
    expect(git(remote, 'log', '-1', '--format=%s', 'main')).toBe('clean work');

    // A new branch is measured against what the remote already has.
    git(repo, 'checkout', '-q', '-b', 'topic', 'origin/main');
    commit(repo, 'topic work', { 't.txt': 't\n' });
    expect(gitWithHooks(repo, bin, 'push', '-q', 'origin', 'topic').status).toBe(0);

    // The hook's stdin, fed directly: a deletion scans nothing.
    const zeros = '0'.repeat(40);
    const head = git(repo, 'rev-parse', 'HEAD');
    const deletion = runCli(['scan', '--pre-push'], { cwd: repo, input: `(delete) ${zeros} refs/heads/topic ${head}\n` });
    expect(deletion.status).toBe(0);
    const garbage = runCli(['scan', '--pre-push'], { cwd: repo, input: 'refs/heads/main only-three-words\n' });
    expect(garbage.status).toBe(2);
    expect(garbage.stderr).toContain('--pre-push: cannot read');
  });
});
