import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeRandom, runCli, tempDir } from '../helpers.js';
import { ALNUM, stripeKey } from './util.js';

/** Which rule ids a JSON scan reported. */
function ruleIds(stdout: string): string[] {
  return [...new Set((JSON.parse(stdout) as { findings: { ruleId: string }[] }).findings.map((finding) => finding.ruleId))].sort();
}

const ACME_RULE = (id: string, example: string, second = `acme_${fakeRandom(ALNUM, 32, 904)}`) => `rules:
  - id: ${id}
    name: Acme token
    description: An Acme API token.
    severity: high
    keywords: [acme_]
    pattern: '(acme_[A-Za-z0-9]{32})'
    examples:
      - text: 'TOKEN=${example}'
        secret: ${example}
      - text: 'client = Acme("${second}")'
        secret: ${second}
    negative_examples:
      - 'acme_short'
`;

describe('which rules run: built-in, --rules, --no-builtin-rules, gitleaks useDefault', () => {
  const dir = tempDir('keyward-rulesets-');
  const acme = `acme_${fakeRandom(ALNUM, 32, 901)}`;
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  writeFileSync(join(tree, 'app.env'), `STRIPE=${stripeKey(902)}\nACME=${acme}\n`);
  const rulesDir = join(dir, 'my-rules');
  mkdirSync(rulesDir);
  writeFileSync(join(rulesDir, 'acme.yml'), ACME_RULE('acme-token', `acme_${fakeRandom(ALNUM, 32, 903)}`));

  it('--rules DIR adds to the built-in rules; --no-builtin-rules runs only DIR; the summary names the rule set', () => {
    const added = runCli(['scan', tree, '--rules', rulesDir, '--format', 'json']);
    expect(added.status).toBe(1);
    expect(ruleIds(added.stdout)).toEqual(['acme-token', 'stripe-secret-key-live']);
    expect(added.stderr).toMatch(/rules: \d+ built-in \+ 1 custom/);

    const only = runCli(['scan', tree, '--rules', rulesDir, '--no-builtin-rules', '--format', 'json']);
    expect(only.status).toBe(1);
    expect(ruleIds(only.stdout)).toEqual(['acme-token']);
    expect(only.stderr).toContain('rules: 1 custom only');
  });

  it('refuses a --rules rule that rules check rejects, with the same message, exit 2', () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'acme.yml'), ACME_RULE('acme-token', 'acme_tooshort'));
    const check = runCli(['rules', 'check', '--rules', broken]);
    expect(check.status).toBe(2);
    const message = check.stderr.split('\n')[0]!.replace(/^keyward: /, '');
    expect(message).toContain('example 1 does not match');
    const scan = runCli(['scan', tree, '--rules', broken]);
    expect(scan.status).toBe(2);
    expect(scan.stderr).toContain(message);
    expect(scan.stderr).not.toMatch(/\n\s+at /);
  });

  it('a gitleaks config without [extend] useDefault runs only its own rules, as gitleaks does', () => {
    const toml = join(dir, 'only.toml');
    writeFileSync(toml, `[[rules]]\nid = "acme-token"\ndescription = "Acme"\nregex = '''(acme_[A-Za-z0-9]{32})'''\nkeywords = ["acme_"]\n`);
    const scan = runCli(['scan', tree, '--config', toml, '--format', 'json']);
    expect(scan.status).toBe(1);
    expect(ruleIds(scan.stdout)).toEqual(['acme-token']);
    expect(scan.stderr).toContain('rules: 1 custom only ([extend] useDefault is not set)');
  });

  it('a gitleaks config that extends the defaults may reuse a built-in id: its rule replaces ours instead of failing to load', () => {
    const toml = join(dir, 'extends.toml');
    writeFileSync(
      toml,
      `[extend]\nuseDefault = true\n\n[[rules]]\nid = "stripe-secret-key-live"\ndescription = "Team's own Stripe rule"\nregex = '''(sk_live_[0-9A-Za-z]{20,})'''\nkeywords = ["sk_live_"]\n\n[[rules]]\nid = "acme-token"\ndescription = "Acme"\nregex = '''(acme_[A-Za-z0-9]{32})'''\nkeywords = ["acme_"]\n`,
    );
    const scan = runCli(['scan', tree, '--config', toml, '--format', 'json']);
    expect(scan.stderr).not.toContain('duplicate rule id');
    expect(scan.status).toBe(1);
    const report = JSON.parse(scan.stdout) as { findings: { ruleId: string }[]; rules?: unknown };
    expect(ruleIds(scan.stdout)).toEqual(['acme-token', 'stripe-secret-key-live']);
    expect(report.findings).toHaveLength(2);
    expect(scan.stderr).toMatch(/rules: \d+ built-in \+ 2 custom/);
  });

  it('two of the user\'s own rules with one id are still an error naming both places', () => {
    const toml = join(dir, 'twice.toml');
    writeFileSync(toml, `[extend]\nuseDefault = true\n[[rules]]\nid = "acme-token"\ndescription = "Acme"\nregex = '''(acme_[A-Za-z0-9]{32})'''\nkeywords = ["acme_"]\n`);
    const scan = runCli(['scan', tree, '--config', toml, '--rules', rulesDir]);
    expect(scan.status).toBe(2);
    expect(scan.stderr).toContain('duplicate rule id');
    expect(scan.stderr).toContain('acme.yml');
  });

  it('issued keys are found by default once the issuer pattern file is named in .keyward.yml', () => {
    const repo = join(dir, 'service');
    mkdirSync(repo);
    const db = join(dir, 'keys.db');
    expect(runCli(['keys', 'init', '--db', db, '--prefix', 'acme_live_']).status).toBe(0);
    const key = runCli(['keys', 'create', '--db', db, '--name', 'ci']).stdout.trim();
    expect(runCli(['keys', 'pattern', '--db', db, '--output', join(repo, 'acme-keys.yml')]).status).toBe(0);
    writeFileSync(join(repo, '.keyward.yml'), 'rules_dirs: [acme-keys.yml]\n');
    writeFileSync(join(repo, 'deploy.env'), `ACME_KEY=${key}\n`);
    const scan = runCli(['scan', repo, '--format', 'json']);
    expect(scan.status).toBe(1);
    const ids = ruleIds(scan.stdout);
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^acme-live/);
    expect((JSON.parse(scan.stdout) as { findings: unknown[] }).findings).toHaveLength(1);
    expect(scan.stdout).not.toContain(key);
  });
});
