import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { commit, fakeKey, git, makeRepo } from '../git/repo.js';
import { makeTarGz, makeZip } from './build.js';

describe('keyward scan --history opens archives in blobs', () => {
  it('finds a key in a zip committed and later deleted, with the commit and the member path', async () => {
    const repo = makeRepo();
    commit(repo, 'readme', { 'README.md': '# app\n' });
    writeFileSync(join(repo, 'backup.zip'), await makeZip([{ name: 'site/config.tar.gz', data: await makeTarGz([{ name: 'etc/.env', data: `STRIPE_KEY=${fakeKey()}\n` }]) }]));
    const added = commit(repo, 'add a backup');
    git(repo, 'rm', '-q', 'backup.zip');
    commit(repo, 'remove the backup');

    const result = runCli(['scan', '--history', '--format', 'json'], { cwd: repo });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).not.toContain(fakeKey());
    const report = JSON.parse(result.stdout) as { findings: { path: string; commit?: { sha: string } }[] };
    expect(report.findings.map((finding) => [finding.path, finding.commit?.sha])).toEqual([['backup.zip!site/config.tar.gz!etc/.env', added]]);

    const shut = runCli(['scan', '--history', '--no-archives', '--format', 'json'], { cwd: repo });
    expect(shut.status, shut.stderr).toBe(0);
    expect((JSON.parse(shut.stdout) as { stats: { archivesSkipped: number } }).stats.archivesSkipped).toBe(1);
  });
});
