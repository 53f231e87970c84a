import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { scanJson, stripeKey } from './util.js';

describe('baseline', () => {
  const root = tempDir();
  const baseline = join(root, 'baseline.json');
  const accepted = stripeKey(201);
  const other = stripeKey(202);
  const text = (before: string, after = '') => `${before}const a = "${accepted}";\n${after}`;

  it('--baseline-write records findings without the secret, sorted one per line, and exits 0', () => {
    writeFileSync(join(root, 'config.ts'), text('// v1\n'));
    writeFileSync(join(root, 'b.ts'), `export const b = "${other}";\n`);
    const written = runCli(['scan', root, '--baseline-write', baseline, '--threads', '1']);
    expect(written.status).toBe(0);
    expect(written.stderr).toContain('recorded 2 findings');
    const file = readFileSync(baseline, 'utf8');
    expect(file).not.toContain(accepted);
    expect(file).not.toContain(other);
    const lines = file.split('\n').filter((line) => line.includes('secretSha256'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('"path":"b.ts"');
    expect(lines[1]).toContain('"path":"config.ts"');
    expect(JSON.parse(file)).toMatchObject({ version: 1, entries: [{ path: 'b.ts', ruleId: 'stripe-secret-key-live' }, { path: 'config.ts' }] });
  });

  it('hides baselined findings after lines above are edited and the line moves', () => {
    writeFileSync(join(root, 'config.ts'), text('// v2: a new header\nimport x from "y";\n\n\n', '// more\n'));
    const { status, report } = scanJson([root, '--baseline', baseline]);
    expect(report.findings).toEqual([]);
    expect(status).toBe(0);
    expect(report.stats.dropped['baseline']).toBe(2);
  });

  it('reports a new key in the same file', () => {
    const fresh = stripeKey(203);
    writeFileSync(join(root, 'config.ts'), text('// v3\n', `const c = "${fresh}";\n`));
    const { status, report } = scanJson([root, '--baseline', baseline]);
    expect(status).toBe(1);
    expect(report.findings.map((f) => f.secret)).toEqual([fresh]);
  });

  it('baseline prune drops entries whose secret is gone', () => {
    writeFileSync(join(root, 'b.ts'), 'export const b = process.env.B;\n');
    const pruned = runCli(['baseline', 'prune', '--baseline', baseline, root, '--threads', '1']);
    expect(pruned.status, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain('kept 1, pruned 1');
    const entries = (JSON.parse(readFileSync(baseline, 'utf8')) as { entries: { path: string }[] }).entries;
    expect(entries.map((e) => e.path)).toEqual(['config.ts']);
  });

  it('a missing or malformed baseline is a one-line error, exit 2', () => {
    const missing = runCli(['scan', root, '--baseline', join(root, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read baseline .*nope\.json/);
    writeFileSync(join(root, 'bad.json'), '{"version": 1, "entries": [');
    const bad = runCli(['scan', root, '--baseline', join(root, 'bad.json')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('not valid JSON');
  });
});
