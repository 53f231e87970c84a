import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeRandom, runCli, tempDir } from '../helpers.js';
import { ALNUM, scanJson } from './util.js';

const LOOKAHEAD_RULE = `[[rules]]
id = "lookahead"
description = "Go would reject this too, RE2 does"
regex = '''secret(?=[A-Z]{8})'''
keywords = ["secret"]

`;
const TOML = `
title = "team gitleaks config"

[extend]
useDefault = true

[[rules]]
id = "acme_api_token"
description = "Acme API token"
regex = '''\\b(acme_[a-zA-Z0-9]{32})\\b'''
keywords = ["acme_"]
entropy = 3.0

[[rules]]
id = "widget-key"
description = "Widget key (secret in group 2)"
regex = '''(?i)(widget[_-]?key)\\s*[:=]\\s*["']?(wk[0-9a-f]{24})'''
secretGroup = 2

[[rules]]
id = "no-keywords"
description = "Keyword derived from the regex"
regex = '''zorp-[0-9]{10}'''
  [rules.allowlist]
  regexes = ['''zorp-0{10}''']

[[rules]]
id = "pkcs12-file"
description = "path-only rule"
path = '''\\.p12$'''

[allowlist]
paths = ['''vendor/''']
stopwords = ["sandbox"]
`;

describe('gitleaks import', () => {
  const dir = tempDir();
  const tomlFile = join(dir, 'gitleaks.toml');
  writeFileSync(tomlFile, TOML + LOOKAHEAD_RULE);
  const acme = `acme_${fakeRandom(ALNUM, 32, 401)}`;
  const widget = `wk${fakeRandom('0123456789abcdef', 24, 402)}`;

  it('rules import-gitleaks writes the rules RE2 accepts, names the rejected one by id, exits 2', () => {
    const out = join(dir, 'imported');
    const result = runCli(['rules', 'import-gitleaks', tomlFile, '-o', out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/rule lookahead: regex is not supported by RE2/);
    expect(result.stderr.match(/error:/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/pkcs12-file: path-only rule/);
    const yaml = readFileSync(join(out, 'gitleaks.yml'), 'utf8');
    expect(yaml).toContain('id: acme-api-token');
    expect(yaml).toContain('imported: true');
    expect(yaml).toContain('(?:widget[_-]?key)');
    expect(yaml).toMatch(/keywords:\s*\n\s*- zorp-/);
    // The written files work: rules check accepts rules without examples, and a scan fires them.
    expect(runCli(['rules', 'check', '--rules', join(out, 'gitleaks.yml')]).status).toBe(0);
    writeFileSync(join(dir, 'app.env'), `ACME=${acme}\nwidget_key: "${widget}"\nid=zorp-0000000000\nid2=zorp-4815162342\n`);
    const { report } = scanJson([join(dir, 'app.env'), '--config', join(out, 'gitleaks.keyward.json')]);
    expect(report.findings.map((f) => [f.ruleId, f.secret])).toEqual([
      ['acme-api-token', acme],
      ['widget-key', widget],
      ['no-keywords', 'zorp-4815162342'],
    ]);
  });

  it('--config FILE.toml with a rejected regex fails, naming the rule', () => {
    const result = runCli(['scan', dir, '--config', tomlFile]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('rule lookahead: regex is not supported by RE2');
  });

  it('--config FILE.toml runs its rules and allowlists alongside the built-in ones', () => {
    const good = join(dir, 'good.toml');
    writeFileSync(good, TOML);
    writeFileSync(join(dir, 'acme.txt'), `token ${acme}\nsandbox acme_${fakeRandom(ALNUM, 25, 403)}sandbox\n`);
    const { report, stderr } = scanJson([join(dir, 'acme.txt'), '--config', good]);
    expect(stderr).toContain('pkcs12-file');
    expect(report.findings.map((f) => f.secret)).toEqual([acme]);
    expect(report.stats.dropped['stopword']).toBe(1);
  });
});
