import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

describe('registrable patterns: the issuer format as a detection rule', () => {
  const dir = tempDir('keyward-pattern-');
  const db = join(dir, 'keys.db');

  it('exports a keyward rule that finds issued keys and skips a broken checksum', () => {
    expect(runCli(['keys', 'init', '--db', db, '--prefix', 'acme_live_']).status).toBe(0);
    const keys = [0, 1, 2].map(() => {
      const created = runCli(['keys', 'create', '--db', db, '--name', 'scan-me']);
      expect(created.status).toBe(0);
      expect(created.stderr).toContain('will not be shown again');
      return created.stdout.trim();
    });
    const broken = keys[2]!.slice(0, -1) + (keys[2]!.endsWith('A') ? 'B' : 'A');
    const rule = join(dir, 'acme.yml');
    expect(runCli(['keys', 'pattern', '--db', db, '--output', rule]).status).toBe(0);
    const check = runCli(['rules', 'check', '--rules', rule]);
    expect(check.stderr).toBe('');
    expect(check.stdout).toMatch(/^1 rules ok/);
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'config.env'), `ACME_KEY=${keys[0]}\nOTHER=${broken}\n`);
    writeFileSync(join(tree, 'client.py'), `client = Acme(api_key="${keys[1]}")\n`);
    const scan = runCli(['scan', tree, '--rules', rule, '--format', 'json', '--no-redact']);
    expect(scan.status).toBe(1);
    const secrets = (JSON.parse(scan.stdout) as { findings: { secret: string; ruleId: string }[] }).findings.map((finding) => finding.secret).sort();
    expect(secrets).toEqual([keys[0], keys[1]].sort());
  });

  it('exports a gitleaks rule keyward can import, and the fields GitHub asks for', () => {
    const toml = runCli(['keys', 'pattern', '--db', db, '--format', 'gitleaks']);
    expect(toml.status).toBe(0);
    expect(toml.stdout).toContain('secretGroup = 1');
    const github = runCli(['keys', 'pattern', '--db', db, '--format', 'github', '--endpoint', 'https://acme.test/v1/leaks']);
    const fields = JSON.parse(github.stdout) as Record<string, string>;
    expect(fields).toMatchObject({ secret_type: 'acme_live_api_key', endpoint: 'https://acme.test/v1/leaks' });
    expect(new RegExp(`^${fields['regex']}$`).test('acme_live_Ab12Cd34_' + 'Z'.repeat(49))).toBe(true);
  });
});
