import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE62_ALPHABET, crc32Base62 } from '../../src/validators/checksum.js';
import { breakChecksum, fakeRandom, runCli, tempDir } from '../helpers.js';

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

  it('a valid checksum outranks the placeholder heuristics: a random body that spells xxxx or dummy is still a key', () => {
    const rule = join(dir, 'acme.yml');
    const checksummed = (unchecked: string) => unchecked + crc32Base62(unchecked);
    // What a CSPRNG body spells now and then: a same-case or mixed-case run of x, a placeholder word.
    const keys = ['xxxx', 'XxXx', 'dummy', 'Example', 'REDACTED'].map((word, index) => {
      const body = fakeRandom(BASE62_ALPHABET, 43, index + 1);
      return checksummed(`acme_live_${fakeRandom(BASE62_ALPHABET, 8, index + 11)}_${body.slice(0, 20)}${word}${body.slice(20 + word.length)}`);
    });
    const githubBody = `${fakeRandom(BASE62_ALPHABET, 12, 99)}xxxx${fakeRandom(BASE62_ALPHABET, 14, 98)}`;
    const githubToken = `ghp_${githubBody}${crc32Base62(githubBody)}`;
    const tree = join(dir, 'placeholder-words');
    mkdirSync(tree);
    const lines = [...keys.map((key, index) => `KEY_${index}=${key}`), `GITHUB_TOKEN=${githubToken}`];
    // The same shapes with a wrong checksum, and a typed placeholder, stay unreported.
    lines.push(`BROKEN=${breakChecksum(keys[0]!)}`, `TYPED=acme_live_xxxxxxxx_${'x'.repeat(49)}`, 'GH=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    writeFileSync(join(tree, 'keys.env'), `${lines.join('\n')}\n`);
    const scan = runCli(['scan', tree, '--rules', rule, '--format', 'json', '--no-redact']);
    expect(scan.status, scan.stderr).toBe(1);
    const secrets = (JSON.parse(scan.stdout) as { findings: { secret: string }[] }).findings.map((finding) => finding.secret).sort();
    expect(secrets).toEqual([...keys, githubToken].sort());
  });
});
