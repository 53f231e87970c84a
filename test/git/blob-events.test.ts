import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blobEvents, RawLogParser, recordRawLog } from '../../src/sources/git/blob-events.js';
import { commit, git, makeRepo } from './repo.js';
import { forgeCommitBase } from '../../src/sources/git/remote.js';

const oid = (n: number) => String(n).repeat(40).slice(0, 40);
const header = (sha: string, parents: string[], subject: string) => `\0${sha}\0${parents.join(' ')}\0Ann\0ann@example.com\0 2024-01-01T00:00:00+00:00\0${subject}`;
const raw = (old: string | undefined, now: string | undefined, path: string, status: string) =>
  `:100644 100644 ${old ?? '0'.repeat(40)} ${now ?? '0'.repeat(40)} ${status}\t${path}`;

describe('RawLogParser', () => {
  // main: m3 (merge of m2 and f1) → m2 → m1; feature tip f1 → m1; tag v1 → m1. Listed newest first.
  const lines = [
    header('m3', ['m2', 'f1'], 'merge'),
    header('f1', ['m1'], 'feature adds the key'),
    '',
    raw(undefined, oid(1), 'pay.env', 'A'),
    header('m2', ['m1'], 'unrelated'),
    '',
    raw(oid(7), oid(8), 'other.txt', 'M'),
    header('m1', [], 'root'),
    '',
    raw(undefined, oid(2), 'old.env', 'A'),
  ];

  it('keeps only the changes touching blobs of interest, in listing order', () => {
    const parser = new RawLogParser(new Set([oid(1), oid(2)]), ['m3', 'f1', 'm1']);
    for (const line of lines) parser.line(line);
    expect(parser.events.map((event) => [event.commit.sha, event.order, event.changes])).toEqual([
      ['f1', 1, [{ path: 'pay.env', newOid: oid(1) }]],
      ['m1', 3, [{ path: 'old.env', newOid: oid(2) }]],
    ]);
  });

  it('hands each ref from child to parent, through merges, without a second walk', () => {
    // refs: 0 = main (m3), 1 = feature (f1), 2 = tag v1 (m1)
    const parser = new RawLogParser(new Set([oid(1), oid(2)]), ['m3', 'f1', 'm1']);
    for (const line of lines) parser.line(line);
    const refsOf = (sha: string) => parser.events.find((event) => event.commit.sha === sha)!.refs;
    expect(refsOf('f1')).toEqual([0, 1]);
    expect(refsOf('m1')).toEqual([0, 1, 2]);
  });

  it('unquotes paths git quoted and records deletions', () => {
    const parser = new RawLogParser(new Set([oid(3)]));
    parser.line(header('c1', [], 'drop'));
    parser.line(raw(oid(3), undefined, '"a\\tb.env"', 'D'));
    expect(parser.events[0]!.changes).toEqual([{ path: 'a\tb.env', oldOid: oid(3) }]);
    expect(parser.events[0]!.refs).toEqual([]);
  });
});

describe('recordRawLog', () => {
  it('answers what blobEvents answers, from a log written to disk while the scan runs, and removes the file', async () => {
    const repo = makeRepo();
    commit(repo, 'one', { 'a.env': 'A=1\n', 'b.txt': 'b\n' });
    git(repo, 'checkout', '-q', '-b', 'side');
    commit(repo, 'two', { 'a.env': 'A=2\n' });
    git(repo, 'checkout', '-q', 'main');
    commit(repo, 'three', { 'b.txt': 'b2\n' });
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merge', 'side');
    const oids = new Set([git(repo, 'rev-parse', 'side:a.env'), git(repo, 'rev-parse', 'main~1:b.txt')]);
    const tips = [git(repo, 'rev-parse', 'main'), git(repo, 'rev-parse', 'side')];
    const recording = recordRawLog(repo, ['--all']);
    expect(existsSync(recording.file)).toBe(true);
    const recorded = await recording.events(oids, tips);
    const direct = await blobEvents(repo, ['--all'], oids, { refTips: tips });
    expect(recorded.events.length).toBe(2);
    expect(recorded).toEqual(direct);
    expect(existsSync(recording.file)).toBe(false);
  });
});

describe('forgeCommitBase', () => {
  it.each([
    ['git@github.com:acme/widgets.git', 'https://github.com/acme/widgets/commit/'],
    ['https://github.com/acme/widgets', 'https://github.com/acme/widgets/commit/'],
    ['https://user:FAKE-token@github.com/acme/widgets.git', 'https://github.com/acme/widgets/commit/'],
    ['ssh://git@gitlab.com/group/sub/widgets.git', 'https://gitlab.com/group/sub/widgets/-/commit/'],
    ['git@bitbucket.org:team/widgets.git', 'https://bitbucket.org/team/widgets/commits/'],
  ])('%s → %s', (remote, base) => {
    expect(forgeCommitBase(remote)).toBe(base);
  });

  it.each(['https://git.example.test/acme/widgets.git', '/srv/git/widgets.git', 'git@github.com:acme', 'https://github.com/acme/<script>'])('no link for %s', (remote) => {
    expect(forgeCommitBase(remote)).toBeUndefined();
  });
});
