import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeChecksummedToken, runCli, tempDir } from './helpers.js';
import { commit, fakeKey, git, makeRepo } from './git/repo.js';

/** Debian's package installs `chromium`; other systems may name it differently. */
function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return undefined;
}

const chromium = findChromium();
// .ci/run installs chromium: a missing browser fails the test (renderedDom says how to install it), never skips it.
const title = 'HTML report in headless Chromium';

/** The DOM after the page's scripts ran, from a real browser with no network and a throwaway profile. */
function renderedDom(file: string, hash = ''): string {
  if (chromium === undefined) throw new Error('chromium is not installed: .ci/run installs it with apt-get (apt-get install chromium)');
  const profile = mkdtempSync(join(tmpdir(), 'keyward-chromium-'));
  try {
    const result = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        '--dump-dom',
        `${pathToFileURL(file).href}${hash}`,
      ],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    if (result.status !== 0) throw new Error(`chromium exited ${result.status}: ${result.stderr.slice(-500)}`);
    return result.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Visible text of the element with this id in a dumped DOM. */
function textOf(dom: string, id: string): string {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(dom);
  return match?.[1] ?? '';
}

describe(title, () => {
  it('renders a history report with counts, filters from the URL, commit links, and escapes hostile paths and subjects', () => {
    const repo = makeRepo();
    commit(repo, 'readme', { 'README.md': '# app\n' });
    const added = commit(repo, 'add payments', { 'config/pay.env': `STRIPE_KEY=${fakeKey(11)}\n` });
    const token = fakeChecksummedToken('ghp_', 30, 1411);
    commit(repo, 'ci token', { '.github/ci.env': `GITHUB_TOKEN=${token}\n` });
    git(repo, 'rm', '-q', '.github/ci.env');
    commit(repo, 'drop the token');
    // A file name and a subject that would be markup if pasted into the page unescaped.
    commit(repo, '<script>document.title="owned"</script>', { 'x/<img src=x onerror=alert(1)>.env': `KEY=${fakeKey(12)}\n` });
    git(repo, 'remote', 'add', 'origin', 'git@github.com:acme/widgets.git');

    const out = join(tempDir(), 'report.html');
    const scan = runCli(['scan', '--history', repo, '--format', 'html', '-o', out]);
    expect(scan.status).toBe(1);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain(fakeKey(11));
    expect(html).not.toContain(token);
    // Self-contained: no stylesheet, script or image is fetched from anywhere.
    expect(html).not.toMatch(/<link\b|\bsrc="http|@import|url\(http/);
    expect(html).toContain("default-src 'none'");

    const dom = renderedDom(out);
    expect(textOf(dom, 'shown')).toBe('3 of 3 shown');
    expect(textOf(dom, 'total')).toBe('3');
    expect(dom).toMatch(/<span class="sev critical">critical<\/span> <b data-count="severity:critical">3<\/b>/);
    expect(dom).toMatch(/<b data-count="severity:high">0<\/b>/);
    expect(dom).toMatch(/data-count="status:removed">1</);
    expect(dom).toMatch(/data-count="status:present">2</);
    expect(dom).toContain(`href="https://github.com/acme/widgets/commit/${added}"`);
    expect(dom).not.toMatch(/<img\b/);
    expect(dom).toContain('&lt;img src=x onerror=alert(1)&gt;.env');
    expect(dom).toContain('&lt;script&gt;document.title=');
    expect(dom).toMatch(/<title>keyward report: 3 findings<\/title>/);

    expect(textOf(renderedDom(out, '#severity=high'), 'shown')).toBe('0 of 3 shown');
    expect(textOf(renderedDom(out, '#rule=stripe-secret-key-live'), 'shown')).toBe('2 of 3 shown');
    // Sorting from the URL: newest introduction first, then oldest first.
    const dates = (dom: string) => [...dom.matchAll(/<tr [^>]*data-date="([^"]+)"/g)].map((match) => match[1]!);
    const newest = dates(renderedDom(out, '#sort=-date'));
    expect(newest).toEqual([...newest].sort().reverse());
    const oldest = dates(renderedDom(out, '#sort=date'));
    expect(oldest).toEqual([...newest].sort());
    expect(new Set(oldest).size).toBe(3);
    const removed = renderedDom(out, '#status=removed&path=ci');
    expect(textOf(removed, 'shown')).toBe('1 of 3 shown');
    expect(removed.match(/<tr [^>]*data-status="removed"[^>]*>/g)!.some((tag) => !tag.includes('hidden'))).toBe(true);
    expect(removed.match(/<tr [^>]*data-status="present"[^>]*>/g)!.every((tag) => tag.includes('hidden'))).toBe(true);
  });

  it('renders a clean working-tree scan', () => {
    const dir = tempDir();
    const out = join(dir, 'clean.html');
    expect(runCli(['scan', join(dir), '--format', 'html', '-o', join(dir, 'clean.html')]).status).toBe(0);
    const dom = renderedDom(out);
    expect(textOf(dom, 'shown')).toBe('0 of 0 shown');
    expect(dom).toContain('No secrets found.');
  });
});
