import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './helpers.js';
import { commit, fakeKey, makeRepo } from './git/repo.js';

// A file name and a commit subject an attacker controls: a newline that forges a report line, ANSI and OSC
// escapes (colour, terminal title), a bell, a bidi override, and a GitHub Actions workflow command.
const HOSTILE = '\u001b[31mred\u001b[0m\u001b]0;pwned\u0007\u202eevil\n::error file=x::forged';

/** Fails when the text holds a raw control character (other than line breaks) or a line starting with `::`. */
function expectInert(text: string): void {
  // eslint-disable-next-line no-control-regex
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
  for (const line of text.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
}

describe('hostile paths and commit subjects are printed inert', () => {
  it('working-tree text output, warnings and summary escape control characters and defuse ::commands', () => {
    const repo = makeRepo();
    mkdirSync(join(repo, 'dir'));
    writeFileSync(join(repo, 'dir', `${HOSTILE}.env`), `KEY=${fakeKey()}\n`);
    writeFileSync(join(repo, `::warning::${HOSTILE}`), `KEY=${fakeKey(3)}\n`);
    const result = runCli(['scan', repo]);
    expect(result.status).toBe(1);
    expectInert(result.stdout);
    expectInert(result.stderr);
    expect(result.stdout).toContain('\\e[31mred');
    expect(result.stdout).toContain('\\u{202e}evil\\n');
    const json = runCli(['scan', repo, '--format', 'json']);
    const paths = (JSON.parse(json.stdout) as { findings: { path: string }[] }).findings.map((finding) => finding.path);
    expect(paths).toContain(`dir/${HOSTILE}.env`);
  });

  it('history text output escapes the commit subject and author', () => {
    const repo = makeRepo();
    commit(repo, `add config ${HOSTILE}`, { 'app.env': `KEY=${fakeKey(4)}\n` });
    const result = runCli(['scan', '--history', repo]);
    expect(result.status).toBe(1);
    expectInert(result.stdout);
    expectInert(result.stderr);
    expect(result.stdout).toContain('add config \\e[31mred');
  });

  it('an error naming a hostile path is escaped too', () => {
    const result = runCli(['scan', join(REPO_ROOT, `missing-${HOSTILE}`)]);
    expectInert(result.stderr);
  });

  it("the Action's job summary escapes what the SARIF carries", () => {
    const repo = makeRepo();
    writeFileSync(join(repo, `${HOSTILE}.env`), `KEY=${fakeKey(5)}\n`);
    const sarif = join(repo, '..', 'out.sarif');
    runCli(['scan', repo, '--format', 'sarif', '-o', sarif]);
    const summary = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'action', 'summarize.js'), sarif], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(summary.status).toBe(0);
    expect(summary.stdout).toContain('1 finding');
    expectInert(summary.stdout);
  });
});
