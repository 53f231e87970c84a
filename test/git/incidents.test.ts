import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { sarifValidator } from '../sarif-schema.js';
import { commit, fakeKey, git, makeRepo, scanJson } from './repo.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A config file that holds `key` on line 2 and changes below it in every commit. */
const configWith = (key: string, version: number) => `# service\nSTRIPE_KEY=${key}\nVERSION=${version}\n`;

describe('history incidents: one finding per secret', () => {
  it('a key kept in one file across 30 commits, then renamed, is one present finding introduced at the first commit', () => {
    const repo = makeRepo();
    commit(repo, 'readme', { 'README.md': '# app\n' });
    const shas: string[] = [];
    for (let i = 0; i < 30; i++) shas.push(commit(repo, `config v${i}`, { 'config/app.env': configWith(fakeKey(), i), 'notes.txt': `note ${i}\n` }));
    git(repo, 'mv', 'config/app.env', 'config/service.env');
    const renamed = commit(repo, 'rename the config');

    const { status, report } = scanJson(['--history', repo]);
    expect(status).toBe(1);
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding!.introduced).toMatchObject({ commit: { sha: shas[0], subject: 'config v0' }, path: 'config/app.env', line: 2 });
    expect(finding).toMatchObject({ path: 'config/app.env', line: 2, status: 'present', presentIn: [{ ref: 'main', path: 'config/service.env' }], removedIn: [], refs: ['main'] });
    // 30 blob versions plus the rename: 31 places, at two (path, line) locations.
    expect(finding!.occurrenceCount).toBe(31);
    expect(finding!.occurrences!.map((o) => o.commit)).toEqual([...shas, renamed]);
    const locations = new Set(finding!.occurrences!.map((o) => `${o.path}:${o.line}`));
    expect([...locations]).toEqual(['config/app.env:2', 'config/service.env:2']);
    expect(finding!.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const text = runCli(['scan', '--history', repo]);
    expect(text.stdout.match(/stripe-secret-key-live/g)).toHaveLength(1);
    expect(text.stdout).toContain(`introduced  commit ${shas[0]!.slice(0, 12)} by Ann Dev <ann@example.com>`);
    expect(text.stdout).toContain('present in  main (config/service.env)');
    expect(text.stdout).toContain('seen        31 times at config/app.env, config/service.env');
  });

  it('a key deleted later is removed, naming the removing commit per branch; a key still on another branch is present there', () => {
    const repo = makeRepo();
    commit(repo, 'readme', { 'README.md': '# app\n' });
    const added = commit(repo, 'add key', { 'deploy.env': configWith(fakeKey(1), 1) });
    commit(repo, 'edit', { 'deploy.env': configWith(fakeKey(1), 2) });
    git(repo, 'branch', 'release');
    git(repo, 'rm', '-q', 'deploy.env');
    const removed = commit(repo, 'remove the key');

    const { report } = scanJson(['--history', repo]);
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding!.introduced!.commit.sha).toBe(added);
    expect(finding).toMatchObject({ status: 'present', presentIn: [{ ref: 'release', path: 'deploy.env' }], refs: ['main', 'release'] });
    expect(finding!.removedIn).toEqual([{ ref: 'main', commit: expect.objectContaining({ sha: removed, subject: 'remove the key' }) }]);

    git(repo, 'branch', '-D', 'release');
    const after = scanJson(['--history', repo]).report.findings[0]!;
    expect(after).toMatchObject({ status: 'removed', presentIn: [], refs: ['main'] });
    expect(after.removedIn).toEqual([{ ref: 'main', commit: expect.objectContaining({ sha: removed }) }]);
    expect(runCli(['scan', '--history', repo]).stdout).toMatch(new RegExp(`removed {5}from main by commit ${removed.slice(0, 12)} .*: remove the key`));
  });

  it('without a usable temporary folder the attribution pass runs after the scan instead, with the same incident', () => {
    const repo = makeRepo();
    commit(repo, 'readme', { 'README.md': '# app\n' });
    const added = commit(repo, 'add key', { 'deploy.env': configWith(fakeKey(2), 1) });
    commit(repo, 'edit', { 'deploy.env': configWith(fakeKey(2), 2) });
    const usual = scanJson(['--history', repo]).report.findings;
    const result = runCli(['scan', '--history', repo, '--format', 'json'], { env: { TMPDIR: join(tempDir(), 'does-not-exist') } });
    expect(result.status).toBe(1);
    const findings = (JSON.parse(result.stdout) as { findings: unknown[] }).findings;
    expect(findings).toEqual(usual);
    expect(findings).toEqual([expect.objectContaining({ introduced: expect.objectContaining({ commit: expect.objectContaining({ sha: added }) }), occurrenceCount: 2, status: 'present' })]);
  });

  it('a key that arrived on a branch and was merged names the branch commit, not the merge', () => {
    const repo = makeRepo();
    commit(repo, 'base', { 'README.md': '# app\n' });
    git(repo, 'checkout', '-q', '-b', 'feature');
    commit(repo, 'feature work', { 'src/a.txt': 'a\n' });
    const onBranch = commit(repo, 'wire up payments', { 'src/pay.env': configWith(fakeKey(2), 1) });
    git(repo, 'checkout', '-q', 'main');
    commit(repo, 'main moves on', { 'README.md': '# app v2\n' });
    git(repo, 'merge', '-q', '--no-ff', '-m', 'Merge feature', 'feature');
    const merge = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'branch', '-D', 'feature');

    const { report } = scanJson(['--history', repo]);
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding!.introduced!.commit).toMatchObject({ sha: onBranch, subject: 'wire up payments' });
    expect(finding!.introduced!.commit.sha).not.toBe(merge);
    expect(finding).toMatchObject({ status: 'present', presentIn: [{ ref: 'main', path: 'src/pay.env' }], occurrenceCount: 1 });
  });

  it('SARIF from a history scan validates and has one result per secret, with stable fingerprints', () => {
    const repo = makeRepo();
    for (let i = 0; i < 5; i++) commit(repo, `v${i}`, { 'a.env': configWith(fakeKey(3), i), 'b.env': configWith(fakeKey(4), i) });
    git(repo, 'mv', 'a.env', 'moved.env');
    commit(repo, 'move');
    const first = runCli(['scan', '--history', repo, '--format', 'sarif']);
    expect(first.status).toBe(1);
    const sarif = JSON.parse(first.stdout) as {
      runs: { results: { ruleId: string; locations: unknown[]; relatedLocations?: { physicalLocation: { artifactLocation: { uri: string } } }[]; partialFingerprints: Record<string, string> }[] }[];
    };
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const results = sarif.runs[0]!.results;
    expect(results).toHaveLength(2);
    for (const result of results) expect(result.locations).toHaveLength(1);
    const moved = results.find((result) => result.relatedLocations !== undefined);
    expect(moved!.relatedLocations!.map((related) => related.physicalLocation.artifactLocation.uri)).toEqual(['moved.env']);
    expect(first.stdout).not.toContain(fakeKey(3));

    commit(repo, 'unrelated', { 'c.txt': 'c\n' });
    const second = JSON.parse(runCli(['scan', '--history', repo, '--format', 'sarif']).stdout) as typeof sarif;
    expect(second.runs[0]!.results.map((result) => result.partialFingerprints)).toEqual(results.map((result) => result.partialFingerprints));
  });

  it('baselines, --only-live and JSONL work on the grouped finding', () => {
    const repo = makeRepo();
    for (let i = 0; i < 4; i++) commit(repo, `v${i}`, { 'old.env': configWith(fakeKey(5), i) });
    git(repo, 'mv', 'old.env', 'new.env');
    commit(repo, 'rename');
    const dir = tempDir();

    // A baseline written from today's tree (path new.env) hides the incident introduced at old.env.
    const baseline = join(dir, 'baseline.json');
    expect(runCli(['scan', repo, '--baseline-write', baseline]).status).toBe(0);
    const hidden = scanJson(['--history', repo, '--baseline', baseline]);
    expect(hidden.status).toBe(0);
    expect(hidden.report.findings).toHaveLength(0);
    const historyBaseline = join(dir, 'history-baseline.json');
    expect(runCli(['scan', '--history', repo, '--baseline-write', historyBaseline]).status).toBe(0);
    commit(repo, 'another key', { 'other.env': configWith(fakeKey(6), 0) });
    const fresh = scanJson(['--history', repo, '--baseline', historyBaseline]);
    expect(fresh.report.findings.map((f) => f.path)).toEqual(['other.env']);

    const hashes = join(dir, 'hashes.txt');
    writeFileSync(hashes, `${sha256(fakeKey(5))} live\n${sha256(fakeKey(6))} revoked\n`);
    const live = scanJson(['--history', repo, '--verify-hashes', hashes, '--only-live']);
    expect(live.status).toBe(1);
    expect(live.report.findings).toHaveLength(1);
    expect(live.report.findings[0]).toMatchObject({ path: 'old.env', occurrenceCount: 5, status: 'present' });

    const jsonl = runCli(['scan', '--history', repo, '--format', 'jsonl']);
    const lines = jsonl.stdout.trim().split('\n').map((line) => JSON.parse(line) as { occurrenceCount: number; introduced: unknown; status: string });
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatchObject({ introduced: expect.any(Object), status: 'present', occurrenceCount: expect.any(Number) });
  });

  it('links commits when the remote is a known forge, never printing credentials from the remote URL', () => {
    const repo = makeRepo();
    const added = commit(repo, 'leak', { 'x.env': configWith(fakeKey(7), 0) });
    git(repo, 'remote', 'add', 'origin', 'https://someone:FAKE-remote-credential@github.com/acme/widgets.git');
    const { report } = scanJson(['--history', repo]);
    expect(report.findings[0]!.introduced!.commit.url).toBe(`https://github.com/acme/widgets/commit/${added}`);
    const sarif = runCli(['scan', '--history', repo, '--format', 'json']);
    expect(sarif.stdout).not.toContain('FAKE-remote-credential');

    git(repo, 'remote', 'set-url', 'origin', 'git@gitlab.com:group/sub/widgets.git');
    expect(scanJson(['--history', repo]).report.findings[0]!.introduced!.commit.url).toBe(`https://gitlab.com/group/sub/widgets/-/commit/${added}`);
    git(repo, 'remote', 'set-url', 'origin', 'https://git.internal.example/acme/widgets.git');
    expect(scanJson(['--history', repo]).report.findings[0]!.introduced!.commit.url).toBeUndefined();
  });

  it('escapes control characters from commit subjects, author names and paths in text output', () => {
    const repo = makeRepo();
    commit(repo, 'readme', { 'README.md': '# app\n' });
    writeFileSync(join(repo, 'evil\x1b[2Jname.env'), configWith(fakeKey(8), 0));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'innocent\x1b]0;pwned\x07 subject');
    const text = runCli(['scan', '--history', repo]);
    expect(text.status).toBe(1);
    expect(text.stdout).not.toContain('\x1b');
    expect(text.stdout).not.toContain('\x07');
    expect(text.stdout).toContain('evil\\x1b[2Jname.env');
    expect(text.stdout).toContain('innocent\\x1b]0;pwned\\x07 subject');
  });

  it('working-tree scans keep one finding per location', () => {
    const repo = makeRepo();
    commit(repo, 'two files', { 'a.env': configWith(fakeKey(9), 0), 'b.env': configWith(fakeKey(9), 1) });
    const { report } = scanJson([repo]);
    expect(report.findings.map((f) => f.path).sort()).toEqual(['a.env', 'b.env']);
    expect(report.findings[0]!.occurrences).toBeUndefined();
  });
});
