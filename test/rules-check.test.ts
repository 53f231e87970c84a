import { describe, expect, it } from 'vitest';
import { commonKeywordReason } from '../src/rules/common-keywords.js';
import { runCli } from './helpers.js';

/** One fixture folder per way a rule file can be wrong, named after the case. */
const cases: [string, RegExp][] = [
  ['malformed-yaml', /fixtures\/rules\/malformed-yaml\/broken\.yml:6: invalid YAML: Missing closing "quote/],
  ['re2-rejects-lookahead', /lookahead\.yml:2: rule uses-lookahead: pattern is not valid RE2 syntax/],
  ['duplicate-id', /b\.yml:2: rule same-id: duplicate rule id \(first defined at a\.yml:2\)/],
  ['example-misses', /miss\.yml:2: rule example-misses: example 2 does not match/],
  ['negative-matches', /neg\.yml:2: rule negative-matches: negative example 1 matches/],
  ['no-examples', /none\.yml:2: rule no-examples: rules\.0: missing required field 'examples'/],
  ['unknown-field', /unknown\.yml:7: rule unknown-field: rules\.0: unknown field 'patern'/],
  ['common-keyword', /common\.yml:2: rule common-keyword: keyword "token" is too common to prefilter/],
];

describe('keyward rules check', () => {
  it('passes on the built-in rules', () => {
    const result = runCli(['rules', 'check']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\d+ rules ok, \d+ examples checked\n$/);
  });

  for (const [name, message] of cases) {
    it(`fails on ${name} with one line naming the file, line and rule`, () => {
      const result = runCli(['rules', 'check', '--rules', `fixtures/rules/${name}`]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('refuses to scan with a broken rule set', () => {
    const result = runCli(['scan', 'fixtures/rules', '--rules', 'fixtures/rules/re2-rejects-lookahead']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/rule uses-lookahead: pattern is not valid RE2 syntax/);
  });

  it('lists rules', () => {
    const result = runCli(['rules', 'list', '--format', 'json']);
    expect(result.status).toBe(0);
    const rules = JSON.parse(result.stdout) as { id: string; keywords: string[] }[];
    expect(rules.map((r) => r.id)).toContain('stripe-secret-key-live');
  });

  it('names keywords too common to prefilter, and lets documented token prefixes through', () => {
    for (const common of ['token', 'API', 'secret_', 'http', 'exo', 'k']) expect(commonKeywordReason(common), common).toBeDefined();
    for (const rare of ['ghp_', 'cio', 'oy2', 'Q~', 'tskey-auth-', 'vault', 'client-key-data']) expect(commonKeywordReason(rare), rare).toBeUndefined();
  });
});
