import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { commit, fakeKey, git, makeRepo, scanJson } from './repo.js';

describe('keyward scan --history', () => {
  it('finds a key added in commit 2 and deleted in commit 3, attributed to commit 2 and its path; a worktree scan does not', () => {
    const repo = makeRepo();
    commit(repo, 'first', { 'README.md': '# app\n' });
    const second = commit(repo, 'add payment config', { 'config/payments.env': `MODE=live\nSTRIPE_KEY=${fakeKey()}\n` });
    git(repo, 'rm', '-q', 'config/payments.env');
    commit(repo, 'remove the key');

    const { status, report } = scanJson(['--history', repo]);
    expect(status).toBe(1);
    expect(report.kind).toBe('history');
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding).toMatchObject({ ruleId: 'stripe-secret-key-live', path: 'config/payments.env', line: 2 });
    expect(finding!.commit).toMatchObject({ sha: second, authorName: 'Ann Dev', authorEmail: 'ann@example.com', subject: 'add payment config' });
    expect(finding!.commit!.date).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(finding!.secret).not.toContain(fakeKey());

    const text = runCli(['scan', '--history', repo]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(`introduced  commit ${second.slice(0, 12)} by Ann Dev`);
    expect(text.stdout).toContain('add payment config');
    expect(text.stdout).toMatch(/removed     from main by commit [0-9a-f]{12} .*: remove the key/);

    const worktree = runCli(['scan', repo]);
    expect(worktree.status).toBe(0);
    expect(worktree.stdout).toContain('no secrets found');
  });

  it('scans a blob present in 50 commits across branches once and lists where it appears', () => {
    const repo = makeRepo();
    commit(repo, 'base', { 'README.md': 'base\n' });
    const content = `token = "${fakeKey()}"\n`;
    const shas: string[] = [];
    for (let branch = 0; branch < 5; branch++) {
      git(repo, 'checkout', '-q', '-b', `feature-${branch}`, 'main');
      for (let i = 0; i < 10; i++) {
        // The same key file (one blob) lands at a new path in every commit, beside a changing file.
        shas.push(commit(repo, `b${branch} c${i}`, { [`keys/${branch}-${i}.env`]: content, 'counter.txt': `${branch}-${i}\n` }));
      }
    }
    const uniqueBlobs = git(repo, 'rev-list', '--objects', '--all', '--filter=object:type=blob').split('\n').filter((line) => line.includes(' ')).length;

    const { status, report } = scanJson(['--history', repo, '--max-occurrences', '20']);
    expect(status).toBe(1);
    expect(report.stats.blobsScanned).toBe(uniqueBlobs);
    // 1 README + 50 counters + 1 key blob, however many commits hold them.
    expect(uniqueBlobs).toBe(52);
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding!.occurrenceCount).toBe(50);
    expect(finding!.occurrences).toHaveLength(20);
    expect(finding!.commit!.sha).toBe(shas[0]);
    expect(finding!.path).toBe('keys/0-0.env');
    expect(finding!.occurrences![0]).toEqual({ commit: shas[0], path: 'keys/0-0.env', line: 1 });
    for (const occurrence of finding!.occurrences!) expect(shas).toContain(occurrence.commit);
    expect(finding!.refs).toEqual(['feature-0', 'feature-1', 'feature-2', 'feature-3', 'feature-4']);
    expect(scanJson(['--history', repo]).report.findings[0]!.occurrences).toHaveLength(50);
    const bad = runCli(['scan', '--history', repo, '--max-occurrences', '-1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--max-occurrences: '-1'");
  });

  it('reports a renamed file once (the same blob), attributed to the commit that added it', () => {
    const repo = makeRepo();
    const added = commit(repo, 'add', { 'old/name.env': `KEY=${fakeKey()}\n` });
    git(repo, 'mv', 'old/name.env', 'new-name.env');
    commit(repo, 'rename');
    const { report } = scanJson(['--history', repo]);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ path: 'old/name.env', occurrenceCount: 2, status: 'present', presentIn: [{ ref: 'main', path: 'new-name.env' }] });
    expect(report.findings[0]!.commit!.sha).toBe(added);
  });

  it('limits the history with --range, --since, --max-count, --branches and --tags', () => {
    const repo = makeRepo();
    const first = commit(repo, 'clean', { 'a.txt': 'a\n' });
    commit(repo, 'leak', { 'b.env': `KEY=${fakeKey(1)}\n` });
    git(repo, 'tag', 'v1', first);
    commit(repo, 'more', { 'c.txt': 'c\n' });

    expect(scanJson(['--range', `${first}..HEAD`, repo]).report.findings).toHaveLength(1);
    expect(scanJson(['--range', `HEAD~1..HEAD`, repo]).report.findings).toHaveLength(0);
    expect(scanJson(['--since', 'HEAD~1', repo]).report.findings).toHaveLength(0);
    expect(scanJson(['--since', first, repo]).report.findings).toHaveLength(1);
    expect(scanJson(['--max-count', '1', repo]).report.findings).toHaveLength(1); // HEAD's tree still holds b.env
    expect(scanJson(['--branches', repo]).report.findings).toHaveLength(1);
    expect(scanJson(['--tags', repo]).report.findings).toHaveLength(0);

    const bad = runCli(['scan', '--range', 'nope..HEAD', repo]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/keyward: error: cannot read the history: .*nope/);
    expect(runCli(['scan', '--range', '--all', repo]).status).toBe(2);
    expect(runCli(['scan', '--history', '--staged', repo]).stderr).toContain('cannot be combined');
  });

  it('writes SARIF with its own automation id and content fingerprints for history', () => {
    const repo = makeRepo();
    commit(repo, 'leak', { 'x.env': `KEY=${fakeKey()}\n` });
    const result = runCli(['scan', '--history', repo, '--format', 'sarif']);
    expect(result.status).toBe(1);
    const sarif = JSON.parse(result.stdout) as {
      runs: { automationDetails: { id: string }; results: { partialFingerprints: Record<string, string>; properties: { commit: string } }[] }[];
    };
    const [run] = sarif.runs;
    expect(run!.automationDetails.id).toBe('keyward/history/');
    expect(Object.keys(run!.results[0]!.partialFingerprints)).toEqual(['keyward/content/v1']);
    expect(run!.results[0]!.properties.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(result.stdout).not.toContain(fakeKey());
  });

  it('skips binary and oversized blobs, and scans an empty repository cleanly', () => {
    const repo = makeRepo();
    commit(repo, 'mixed', { 'bin.dat': `\0\0binary ${fakeKey()}\n`, 'big.txt': `${'x'.repeat(4000)}\n${fakeKey(2)}\n`, 'ok.txt': 'fine\n' });
    const { status, report, stderr } = scanJson(['--history', repo, '--max-file-size', '1KB']);
    expect(status).toBe(0);
    expect(report.stats.blobsScanned).toBe(1);
    expect(stderr).toContain('over the 1.0 KB limit');

    const empty = makeRepo();
    const clean = scanJson(['--history', empty]);
    expect(clean.status).toBe(0);
    expect(clean.report.stats.blobsScanned).toBe(0);
  });

  it('uses worker threads for a larger history and still finds every planted key', () => {
    const repo = makeRepo();
    const filler = 'lorem ipsum dolor sit amet, '.repeat(40);
    for (let i = 0; i < 40; i++) {
      const files: Record<string, string> = {};
      for (let f = 0; f < 25; f++) files[`src/m${f}.txt`] = `${i}-${f} ${filler.repeat(4)}\n${i % 10 === 0 && f === 3 ? `key=${fakeKey(i + 10)}\n` : ''}`;
      commit(repo, `c${i}`, files);
    }
    const { status, report } = scanJson(['--history', repo, '--threads', '2']);
    expect(status).toBe(1);
    expect(report.stats.blobsScanned).toBe(1000);
    expect(report.findings.map((f) => f.path)).toEqual(['src/m3.txt', 'src/m3.txt', 'src/m3.txt', 'src/m3.txt']);
    expect(new Set(report.findings.map((f) => f.commit!.subject))).toEqual(new Set(['c0', 'c10', 'c20', 'c30']));
  });
});
