import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listerFor, rawLogLister, revListLister } from '../../src/sources/git/blob-list.js';
import { parseRawChange } from '../../src/sources/git/raw-log.js';
import { runCli, tempDir } from '../helpers.js';
import { commit, fakeKey, git, makeRepo, scanJson, write } from './repo.js';

const oid = (n: number) => String(n).repeat(40).slice(0, 40);
const ZERO = '0'.repeat(40);

describe('listing a history by its log', () => {
  it('reads a change line and a merge combined line, first parent as the old side', () => {
    expect(parseRawChange(`:100644 100644 ${oid(1)} ${oid(2)} M\tsrc/a.env`)).toEqual({ path: 'src/a.env', oldOid: oid(1), newOid: oid(2), newMode: '100644' });
    expect(parseRawChange(`:000000 100755 ${ZERO} ${oid(3)} A\tbin/run`)).toEqual({ path: 'bin/run', newOid: oid(3), newMode: '100755' });
    expect(parseRawChange(`:100644 000000 ${oid(4)} ${ZERO} D\tgone.txt`)).toEqual({ path: 'gone.txt', oldOid: oid(4), newMode: '000000' });
    expect(parseRawChange(`::100644 100644 100644 ${oid(5)} ${oid(6)} ${oid(7)} MM\tf`)).toEqual({ path: 'f', oldOid: oid(5), newOid: oid(7), newMode: '100644' });
    expect(parseRawChange(`:::000000 000000 000000 100644 ${ZERO} ${ZERO} ${ZERO} ${oid(8)} AAA\toctopus.txt`)).toEqual({ path: 'octopus.txt', newOid: oid(8), newMode: '100644' });
    expect(parseRawChange('\0sha\0parents')).toBeUndefined();
    expect(parseRawChange(':100644 100644 short')).toBeUndefined();
  });

  it('names each new blob once, with its path, and skips deletions, submodules and commit headers', () => {
    const lister = rawLogLister(['--all']);
    const lines = [
      '\0c2\0c1\0Ann\0ann@example.com\0 2024-01-02T00:00:00+00:00\0second',
      '',
      `:100644 100644 ${oid(1)} ${oid(2)} M\tsrc/a.env`,
      `:100644 000000 ${oid(3)} ${ZERO} D\tgone.txt`,
      `:160000 160000 ${oid(4)} ${oid(5)} M\tvendor/lib`,
      `::100644 100644 100644 ${oid(1)} ${oid(6)} ${oid(7)} MM\tmerged.txt`,
      `:000000 100644 ${ZERO} ${oid(2)} A\tcopy/a.env`,
      `:000000 120000 ${ZERO} ${oid(8)} A\t"tab\\there"`,
    ];
    expect(lines.map((line) => lister.parse(line)).filter((named) => named !== undefined)).toEqual([
      { oid: oid(2), path: 'src/a.env' },
      { oid: oid(7), path: 'merged.txt' },
      { oid: oid(8), path: 'tab\there' },
    ]);
  });

  it('lists exactly the blobs rev-list --objects lists, merges that add their own content included', () => {
    const repo = makeRepo();
    commit(repo, 'base', { 'a.txt': 'a\n', 'dir/b.txt': 'b\n' });
    git(repo, 'checkout', '-q', '-b', 'side');
    commit(repo, 'side', { 'a.txt': 'side\n', 'c.txt': 'c\n' });
    git(repo, 'checkout', '-q', 'main');
    commit(repo, 'main', { 'a.txt': 'main\n' });
    // Both sides changed a.txt: the merge stops on the conflict, which the merge commit resolves by hand.
    expect(() => git(repo, 'merge', '-q', '--no-commit', 'side')).toThrow();
    write(repo, { 'a.txt': 'resolved by hand\n', 'only-in-merge.txt': 'evil\n' });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'merge side');
    git(repo, 'mv', 'dir/b.txt', 'b-moved.txt');
    commit(repo, 'move');
    const fromRevList = git(repo, 'rev-list', '--objects', '--all', '--filter=object:type=blob')
      .split('\n')
      .filter((line) => line.includes(' '))
      .map((line) => line.slice(0, 40))
      .sort();
    const lister = rawLogLister(['--all']);
    const fromLog = git(repo, ...lister.args)
      .split('\n')
      .map((line) => lister.parse(line))
      .flatMap((named) => (named !== undefined && 'oid' in named ? [named.oid] : []))
      .sort();
    expect(fromLog).toEqual(fromRevList);
    expect(fromLog).toContain(git(repo, 'rev-parse', 'HEAD:only-in-merge.txt'));
  });

  it('walks the trees instead for --max-count, a tag naming a blob, and a partial clone', async () => {
    const repo = makeRepo();
    commit(repo, 'one', { 'a.txt': 'a\n' });
    expect((await listerFor(repo, ['--all'])).lister.args[0]).toBe('log');
    expect((await listerFor(repo, ['--all', '--max-count=1'])).lister.args).toEqual(revListLister(['--all', '--max-count=1']).args);
    git(repo, 'tag', 'loose-blob', git(repo, 'rev-parse', 'HEAD:a.txt'));
    expect((await listerFor(repo, ['--all'])).lister.args[0]).toBe('rev-list');
    expect((await listerFor(repo, ['--branches'])).lister.args[0]).toBe('log');
    git(repo, 'tag', '-d', 'loose-blob');
    git(repo, 'config', 'remote.origin.promisor', 'true');
    expect((await listerFor(repo, ['--all'])).lister.args[0]).toBe('rev-list');
  });
});

describe('history scans read by the log', () => {
  it('finds a key that only a merge commit added, and names the merge as where it came in', () => {
    const repo = makeRepo();
    commit(repo, 'base', { 'README.md': '# app\n', 'app.env': 'MODE=test\n' });
    git(repo, 'checkout', '-q', '-b', 'feature');
    commit(repo, 'feature', { 'app.env': 'MODE=feature\n' });
    git(repo, 'checkout', '-q', 'main');
    commit(repo, 'main', { 'app.env': 'MODE=main\n' });
    expect(() => git(repo, 'merge', '-q', '--no-commit', 'feature')).toThrow();
    write(repo, { 'app.env': `MODE=merged\nSTRIPE_KEY=${fakeKey(7)}\n` });
    git(repo, 'add', 'app.env');
    git(repo, 'commit', '-q', '-m', 'merge feature, resolving app.env');
    const merge = git(repo, 'rev-parse', 'HEAD');

    const { status, report } = scanJson(['--history', repo]);
    expect(status).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ path: 'app.env', line: 2, status: 'present', introduced: { commit: { sha: merge }, path: 'app.env', line: 2 }, occurrenceCount: 1 });
  });

  it('scans a blob that only a tag names', () => {
    const repo = makeRepo();
    commit(repo, 'clean', { 'a.txt': 'a\n' });
    const file = join(tempDir(), 'loose.env');
    writeFileSync(file, `STRIPE_KEY=${fakeKey(8)}\n`);
    const blob = git(repo, 'hash-object', '-w', file);
    git(repo, 'tag', 'loose', blob);
    const { status, report } = scanJson(['--history', repo]);
    expect(status).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]!.blob).toBe(blob);
  });

  it('leaves no temporary file behind, with findings or without, and works where dd is missing', () => {
    const repo = makeRepo();
    commit(repo, 'leak', { 'x.env': `STRIPE_KEY=${fakeKey(9)}\n` });
    const clean = makeRepo();
    commit(clean, 'clean', { 'a.txt': 'a\n' });
    const tmp = tempDir();
    for (const target of [repo, clean]) {
      const result = runCli(['scan', '--history', target, '--format', 'json'], { env: { TMPDIR: tmp } });
      expect(result.status).toBe(target === repo ? 1 : 0);
    }
    expect(readdirSync(tmp)).toEqual([]);

    // A PATH with git and nothing else: the blobs are read from git directly.
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    const realGit = (process.env['PATH'] ?? '').split(':').map((dir) => join(dir, 'git')).find((candidate) => existsSync(candidate));
    symlinkSync(realGit!, join(bin, 'git'));
    const withDd = scanJson(['--history', repo]).report.findings;
    const result = runCli(['scan', '--history', repo, '--format', 'json'], { env: { PATH: bin } });
    expect(result.stderr).not.toMatch(/warning|error/);
    expect(result.status).toBe(1);
    expect((JSON.parse(result.stdout) as { findings: unknown[] }).findings).toEqual(withDd);
  });
});
