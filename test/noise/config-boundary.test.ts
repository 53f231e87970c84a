import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { commit, fakeKey, makeRepo } from '../git/repo.js';

describe('config search', () => {
  it('stops at the repository root: an outer folder\'s .keyward.yml does not silence a nested repository', () => {
    const outer = tempDir('keyward-outer-');
    writeFileSync(join(outer, '.keyward.yml'), 'allowlist:\n  paths: ["**"]\n');
    const inner = join(outer, 'checkout');
    mkdirSync(inner);
    writeFileSync(join(inner, 'app.env'), `KEY=${fakeKey(77)}\n`);
    // Outside a repository the outer config applies (it is the nearest one above).
    expect(runCli(['scan', inner, '--format', 'json']).status).toBe(0);
    // Inside a repository it does not.
    const repo = makeRepo('keyward-nested-');
    commit(repo, 'leak', { 'app.env': `KEY=${fakeKey(78)}\n` });
    writeFileSync(join(repo, '..', '.keyward.yml'), 'allowlist:\n  paths: ["**"]\n');
    expect(runCli(['scan', repo, '--format', 'json']).status).toBe(1);
    expect(runCli(['scan', '--history', repo, '--format', 'json']).status).toBe(1);
  });
});
