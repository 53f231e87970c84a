import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { commit, fakeKey, git, makeRepo, scanJson } from './repo.js';

function objectFile(repo: string, oid: string): string {
  return join(repo, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
}

function corrupt(repo: string, oid: string): void {
  const file = objectFile(repo, oid);
  chmodSync(file, 0o644);
  writeFileSync(file, 'this is not a zlib stream');
}

describe('git scans on broken input', () => {
  it('says clearly that a folder is not a repository (exit 2)', () => {
    const dir = tempDir();
    for (const flag of ['--history', '--staged', '--pre-push']) {
      const result = runCli(['scan', flag, dir], { input: '' });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`keyward: error: ${dir} is not a git repository`);
      expect(result.stderr).not.toMatch(/internal error|at .*\.js/);
    }
    const missing = runCli(['scan', '--history', join(dir, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such directory');
  });

  it('warns about a corrupt object, names it, and scans the rest', () => {
    const repo = makeRepo();
    commit(repo, 'one', { 'good.env': `KEY=${fakeKey()}\n`, 'bad.env': `KEY=${fakeKey(3)}\n` });
    const bad = git(repo, 'rev-parse', 'HEAD:bad.env');
    corrupt(repo, bad);
    const { status, report, stderr } = scanJson(['--history', repo]);
    expect(status).toBe(1);
    expect(report.findings.map((f) => f.path)).toEqual(['good.env']);
    expect(stderr).toContain(`keyward: warning: object ${bad} (bad.env) is corrupt and was not scanned`);
  });

  it('exits 2 when a corrupt object leaves nothing to scan', () => {
    const repo = makeRepo();
    commit(repo, 'one', { 'only.env': `KEY=${fakeKey()}\n` });
    const only = git(repo, 'rev-parse', 'HEAD:only.env');
    corrupt(repo, only);
    const result = runCli(['scan', '--history', repo]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`object ${only} (only.env) is corrupt`);

    // A corrupt commit stops git from listing anything at all: one clear error.
    const broken = makeRepo();
    const head = commit(broken, 'one', { 'a.txt': 'a\n' });
    corrupt(broken, head);
    const listing = runCli(['scan', '--history', broken]);
    expect(listing.status).toBe(2);
    expect(listing.stderr).toMatch(/keyward: error: cannot read the history: .+/);
  });

  it('warns about missing objects and scans what is there', () => {
    const repo = makeRepo();
    commit(repo, 'one', { 'kept.env': `KEY=${fakeKey()}\n`, 'gone.txt': 'will vanish\n' });
    rmSync(objectFile(repo, git(repo, 'rev-parse', 'HEAD:gone.txt')), { force: true });
    const { status, report, stderr } = scanJson(['--history', repo]);
    expect(status).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(stderr).toMatch(/1 object is missing from the repository/);
  });

  it('scans a shallow clone, warning that older history is not there', () => {
    const origin = makeRepo();
    commit(origin, 'old leak', { 'old.env': `KEY=${fakeKey(4)}\n` });
    git(origin, 'rm', '-q', 'old.env');
    commit(origin, 'clean up');
    commit(origin, 'new leak', { 'new.env': `KEY=${fakeKey(5)}\n` });
    const clone = join(tempDir(), 'shallow');
    git(tempDir(), 'clone', '-q', '--depth', '1', `file://${origin}`, clone);
    const { status, report, stderr } = scanJson(['--history', clone]);
    expect(status).toBe(1);
    expect(report.findings.map((f) => f.path)).toEqual(['new.env']);
    expect(stderr).toContain('shallow clone');
  });
});
