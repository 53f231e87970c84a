import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers.js';
import { commit, fakeKey, git, gitWithHooks, keywardOnPath, makeRepo, write } from './repo.js';

describe('the baseline a blocked commit suggests is the one every mode honours', () => {
  const bin = keywardOnPath();

  it('the hint prints a command that works as printed: run it, add the file, and the same commit goes through', () => {
    const repo = makeRepo();
    commit(repo, 'first', { 'app.js': 'console.log(1);\n' });
    expect(runCli(['install-hook'], { cwd: repo }).status).toBe(0);
    write(repo, { 'test/fixture.env': `STRIPE=${fakeKey(21)}\n` });
    git(repo, 'add', 'test/fixture.env');
    const blocked = gitWithHooks(repo, bin, 'commit', '-q', '-m', 'add fixture');
    expect(blocked.status).toBe(1);
    const hint = /keyward (scan --staged --baseline-add \S+) \(then git add (\S+)\)/.exec(blocked.stdout + blocked.stderr);
    expect(hint, blocked.stderr).not.toBeNull();
    // Exactly what the user would type.
    const recorded = execFileSync(process.execPath, [CLI, ...hint![1]!.split(' ')], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(recorded).not.toContain(fakeKey(21));
    expect(existsSync(join(repo, hint![2]!))).toBe(true);
    git(repo, 'add', hint![2]!);
    expect(gitWithHooks(repo, bin, 'commit', '-q', '-m', 'add fixture').status).toBe(0);
    // The working-tree scan and the history scan honour the same default file without a flag.
    expect(runCli(['scan', repo], { cwd: repo }).status).toBe(0);
    expect(runCli(['scan', '--history', repo], { cwd: repo }).status).toBe(0);
    // A new key in the same file is still blocked: the baseline holds only what was added.
    write(repo, { 'test/fixture.env': `STRIPE=${fakeKey(21)}\nOTHER=${fakeKey(22)}\n` });
    git(repo, 'add', 'test/fixture.env');
    expect(gitWithHooks(repo, bin, 'commit', '-q', '-m', 'another').status).toBe(1);
  });

  it('--baseline-add keeps the entries already there; --baseline-write replaces them', () => {
    const repo = makeRepo();
    write(repo, { 'a.env': `K=${fakeKey(31)}\n` });
    const at = { cwd: repo };
    expect(runCli(['scan', '.', '--baseline-add', 'b.json'], at).status).toBe(0);
    write(repo, { 'c.env': `K=${fakeKey(32)}\n` });
    const added = runCli(['scan', 'c.env', '--baseline-add', 'b.json'], at);
    expect(added.stderr).toContain('recorded 1 finding (2 entries in all)');
    expect(runCli(['scan', '.', '--baseline', 'b.json'], at).status).toBe(0);
    runCli(['scan', 'c.env', '--baseline-write', 'b.json'], at);
    expect(runCli(['scan', '.', '--baseline', 'b.json'], at).status).toBe(1);
  });

  it('a baseline named in .keyward.yml is honoured by the worktree scan and the hook, and named in the hint', () => {
    const repo = makeRepo();
    commit(repo, 'first', { '.keyward.yml': 'baseline: security/accepted.json\n', 'app.js': 'x\n' });
    write(repo, { 'demo.env': `K=${fakeKey(41)}\n` });
    const missing = runCli(['scan', repo]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('does not exist yet');
    expect(runCli(['install-hook'], { cwd: repo }).status).toBe(0);
    git(repo, 'add', 'demo.env');
    const blocked = gitWithHooks(repo, bin, 'commit', '-q', '-m', 'demo');
    expect(blocked.stderr + blocked.stdout).toContain('--baseline-add security/accepted.json');
    execFileSync('mkdir', ['-p', join(repo, 'security')]);
    writeFileSync(join(repo, 'security', 'accepted.json'), '{"version": 1, "tool": "keyward", "entries": []}\n');
    expect(runCli(['scan', '--staged', '--baseline-add', 'security/accepted.json'], { cwd: repo }).status).toBe(0);
    expect(runCli(['scan', repo]).status).toBe(0);
    git(repo, 'add', 'security/accepted.json');
    expect(gitWithHooks(repo, bin, 'commit', '-q', '-m', 'demo').status).toBe(0);
  });
});
