import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { scanJson, stripeKey } from './util.js';

describe('.keyward.yml', () => {
  const key = stripeKey(501);

  function tree(config: string): string {
    const root = tempDir();
    mkdirSync(join(root, 'app', 'fixtures'), { recursive: true });
    writeFileSync(join(root, '.keyward.yml'), config);
    writeFileSync(join(root, 'app', 'main.ts'), `const k = "${key}";\n`);
    writeFileSync(join(root, 'app', 'fixtures', 'keys.txt'), `${stripeKey(502)}\n`);
    return root;
  }

  it('is found upward from the scan root; paths and regexes allowlists apply', () => {
    const root = tree(`allowlist:\n  paths: ["fixtures/"]\n`);
    const { report } = scanJson([join(root, 'app')]);
    expect(report.findings.map((f) => f.path)).toEqual(['main.ts']);
    expect(report.stats.dropped['path-allowlist']).toBe(1);
    const byRegex = tree(`allowlist:\n  regexes: ['^sk_live_51']\n`);
    expect(scanJson([byRegex]).report.findings).toEqual([]);
  });

  it('rules.disable, per-rule allowlists, line regexes and custom rules', () => {
    expect(scanJson([tree('rules:\n  disable: [stripe-secret-key-live]\n')]).report.findings).toEqual([]);
    const perRule = tree(`rule_allowlists:\n  stripe-secret-key-live:\n    line_regexes: ['const k']\n`);
    expect(scanJson([perRule]).report.findings.map((f) => f.path)).toEqual(['app/fixtures/keys.txt']);
    const custom = tree(
      [
        'custom_rules:',
        '  - id: acme-token',
        '    name: Acme token',
        '    description: An Acme token.',
        '    severity: high',
        '    keywords: [acme_tok_]',
        "    pattern: '(acme_tok_[0-9a-f]{16})'",
        '    examples:',
        "      - { text: 'acme_tok_0a1b2c3d4e5f6789', secret: acme_tok_0a1b2c3d4e5f6789 }",
        "      - { text: 'x=acme_tok_9f8e7d6c5b4a3210', secret: acme_tok_9f8e7d6c5b4a3210 }",
        "    negative_examples: ['acme_tok_short']",
        'rules:',
        '  enable_only: [acme-token]',
      ].join('\n'),
    );
    writeFileSync(join(custom, 'app', 'acme.txt'), 'acme_tok_3c9d1e7f2a6b8c04\n');
    expect(scanJson([join(custom, 'app')]).report.findings.map((f) => f.ruleId)).toEqual(['acme-token']);
  });

  it('--config names a file explicitly; max_file_size applies', () => {
    const root = tree('');
    const other = join(root, 'other.yml');
    writeFileSync(other, 'max_file_size: 10\n');
    const { report } = scanJson([root, '--config', other]);
    expect(report.findings).toEqual([]);
  });

  it('validation errors name the file, the line and the field', () => {
    const root = tree('allowlist:\n  paths: ["a"]\n  regexs: ["b"]\n');
    const typo = runCli(['scan', root]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/\.keyward\.yml:3: allowlist: unknown field 'regexs'/);
    const badType = tree('decode:\n  depth: 9\n');
    expect(runCli(['scan', badType]).stderr).toMatch(/\.keyward\.yml:2: decode\.depth: must be <= 4/);
    const badRule = tree('custom_rules:\n  - id: x\n    name: x\n');
    expect(runCli(['scan', badRule]).stderr).toMatch(/\.keyward\.yml:2: custom_rules\.0: missing required field/);
    const badYaml = tree('allowlist: [\n');
    expect(runCli(['scan', badYaml]).stderr).toMatch(/\.keyward\.yml:\d+: invalid YAML/);
    const badRegex = tree("allowlist:\n  regexes: ['(?=x)']\n");
    const regex = runCli(['scan', badRegex]);
    expect(regex.status).toBe(2);
    expect(regex.stderr).toContain('allowlist.regexes');
  });
});
