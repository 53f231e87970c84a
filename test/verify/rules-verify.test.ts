import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleError } from '../../src/errors.js';
import { parseRulesIn, parseRuleFile } from '../../src/rules/load.js';
import { DEFAULT_RULES_DIR } from '../../src/rules/load.js';
import { PROVIDERS } from '../../src/verify/providers/index.js';
import { checkVerifyNames } from '../../src/verify/validate.js';
import { REPO_ROOT } from '../helpers.js';

const rules = parseRulesIn(DEFAULT_RULES_DIR);

describe('verify: in the built-in rules', () => {
  it('names only provider checks that exist', () => {
    const unknown = rules.filter((rule) => rule.verify !== undefined && !PROVIDERS.has(rule.verify)).map((rule) => `${rule.id}: ${rule.verify}`);
    expect(unknown).toEqual([]);
    expect(() => checkVerifyNames(rules)).not.toThrow();
  });

  it('uses every provider check at least once', () => {
    const used = new Set(rules.flatMap((rule) => (rule.verify === undefined ? [] : [rule.verify])));
    expect([...PROVIDERS.keys()].filter((name) => !used.has(name))).toEqual([]);
  });

  it('a rule naming a check that does not exist is a rule error with file, line and id', () => {
    const [rule] = parseRuleFile(
      'custom.yml',
      `rules:
  - id: fake-token
    verify: github-usr
    name: Fake token
    description: A fake token for this test.
    severity: low
    keywords: [FAKEtok_]
    pattern: '(FAKEtok_[0-9a-z]{8})'
    examples:
      - { text: 'FAKEtok_abcd1234', secret: 'FAKEtok_abcd1234' }
      - { text: 'x=FAKEtok_abcd1235', secret: 'FAKEtok_abcd1235' }
    negative_examples: ['FAKEtok_']
`,
    );
    expect(rule!.verify).toBe('github-usr');
    expect(() => checkVerifyNames([rule!])).toThrow(RuleError);
    expect(() => checkVerifyNames([rule!])).toThrow("custom.yml:2: rule fake-token: verify: no provider check named 'github-usr'");
  });

  it('the schema rejects a verify name that is not kebab-case', () => {
    expect(() => parseRuleFile('bad.yml', `rules:\n  - id: fake-token\n    verify: GitHub User\n    name: n\n    description: d\n    severity: low\n    keywords: [FAKEtok_]\n    pattern: '(FAKEtok_[0-9a-z]{8})'\n    examples: [{ text: 'FAKEtok_abcd1234', secret: 'FAKEtok_abcd1234' }, { text: 'FAKEtok_abcd1235', secret: 'FAKEtok_abcd1235' }]\n    negative_examples: ['FAKEtok_']\n`)).toThrow(/bad\.yml:3: rule fake-token: rules\.0\.verify: must match pattern/);
  });
});

describe('docs/VALIDATION.md', () => {
  it('lists every provider check with its endpoint', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'VALIDATION.md'), 'utf8');
    for (const spec of PROVIDERS.values()) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${spec.name}\` |`));
      expect(row, spec.name).toBeDefined();
      if (typeof spec.baseUrl === 'string') expect(row, spec.name).toContain(spec.baseUrl);
    }
  });
});
