import { describe, expect, it } from 'vitest';
import { hashSecret, type Finding } from '../../src/engine/finding.js';
import type { Rule } from '../../src/rules/types.js';
import type { Verification, VerifyCandidate, Verifier } from '../../src/verify/types.js';
import { parseDuration, parseValidateArgs, summarizeValidation, validateFindings, type ValidateOptions } from '../../src/verify/validate.js';

const rule = (id: string, verify?: string): Rule => ({
  id,
  name: id,
  description: id,
  severity: 'high',
  precision: 'high',
  tags: [],
  keywords: ['FAKE'],
  pattern: '(FAKE.+)',
  allowPlaceholders: false,
  references: [],
  examples: [],
  negativeExamples: [],
  source: { file: 'fake.yml', line: 1 },
  ...(verify === undefined ? {} : { verify }),
});

const finding = (ruleId: string, secret: string, overrides: Partial<Finding> = {}): Finding => ({
  ruleId,
  name: ruleId,
  severity: 'high',
  path: 'ci.env',
  line: 1,
  column: 1,
  endLine: 1,
  endColumn: secret.length + 1,
  secret,
  secretSha256: hashSecret({ tags: [] }, secret).hash,
  secretHashAlgorithm: hashSecret({ tags: [] }, secret).algorithm,
  fingerprint: 'f',
  verification: { status: 'unverified', by: 'none' },
  ...overrides,
});

/** A verifier that answers from a table and remembers what it was asked. */
function tableVerifier(answers: Record<string, Verification['status']>): Verifier & { asked: VerifyCandidate[] } {
  const asked: VerifyCandidate[] = [];
  return {
    name: 'table',
    asked,
    appliesTo: () => true,
    verify: async (candidates) => {
      asked.push(...candidates);
      return new Map(candidates.map((candidate) => [candidate.secretSha256, { status: answers[candidate.secret] ?? 'unknown', by: candidate.verify! }]));
    },
  };
}

const options = (verifier: Verifier, overrides: Partial<ValidateOptions> = {}): ValidateOptions => ({
  endpoints: new Map(),
  timeoutMs: 1000,
  budgetMs: 5000,
  skip: new Set(),
  rates: new Map(),
  verifier,
  ...overrides,
});

describe('validateFindings', () => {
  const rules = [rule('fake-gh', 'github-user'), rule('fake-plain')];

  it('returns new findings with the verification set and never changes its input', async () => {
    const input = [finding('fake-gh', 'FAKE-live-1'), finding('fake-gh', 'FAKE-bad-1'), finding('fake-plain', 'FAKE-plain-1')];
    const before = structuredClone(input);
    const verifier = tableVerifier({ 'FAKE-live-1': 'live', 'FAKE-bad-1': 'invalid' });
    const out = await validateFindings(input, rules, options(verifier));
    expect(input).toEqual(before);
    expect(out).toHaveLength(3);
    expect(out[0]).not.toBe(input[0]);
    expect(out.map((item) => [item.verification.status, item.verification.by])).toEqual([
      ['live', 'github-user'],
      ['invalid', 'github-user'],
      ['unverified', 'none'],
    ]);
    expect(out[2]).toBe(input[2]); // a rule without verify: is passed through untouched
    expect(verifier.asked.map((candidate) => candidate.verify)).toEqual(['github-user', 'github-user']);
  });

  it('never sends a redacted secret, nor one the issuer hashes already decided, nor a skipped provider', async () => {
    const verifier = tableVerifier({});
    const redacted = { ...finding('fake-gh', 'FAKE-secret-2'), secret: 'FAKE-s…' };
    const decided = finding('fake-gh', 'FAKE-issuer-3', { verification: { status: 'revoked', by: 'issuer-hashes' } });
    const out = await validateFindings([redacted, decided], rules, options(verifier));
    expect(verifier.asked).toEqual([]);
    expect(out[0]!.verification).toEqual({ status: 'unknown', by: 'github-user', reason: 'redacted' });
    expect(out[1]).toBe(decided);
    const skipped = await validateFindings([finding('fake-gh', 'FAKE-4')], rules, options(verifier, { skip: new Set(['github-user']) }));
    expect(skipped[0]!.verification.status).toBe('unverified');
    expect(verifier.asked).toEqual([]);
  });

  it('hands paired parts to the verifier', async () => {
    const verifier = tableVerifier({});
    const paired = { ...finding('fake-gh', 'FAKE-5'), parts: { id: 'AKIAFAKEFAKEFAKEFAKE' } };
    await validateFindings([paired], rules, options(verifier));
    expect(verifier.asked[0]!.parts).toEqual({ id: 'AKIAFAKEFAKEFAKEFAKE' });
  });

  it('a rule naming an unknown check is a rule error', async () => {
    await expect(validateFindings([], [rule('fake-x', 'no-such-check')], options(tableVerifier({})))).rejects.toThrow("fake.yml:1: rule fake-x: verify: no provider check named 'no-such-check'");
  });

  it('summarizes per distinct secret, never printing one', async () => {
    const out = await validateFindings([finding('fake-gh', 'FAKE-live-6'), finding('fake-gh', 'FAKE-live-6', { path: 'b.env' }), finding('fake-gh', 'FAKE-x')], rules, options(tableVerifier({ 'FAKE-live-6': 'live' })));
    expect(summarizeValidation(out)).toBe('validated 2 distinct secret(s): 1 live, 0 invalid, 1 unknown');
  });
});

describe('flags', () => {
  it('parses durations and pairs', () => {
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('10s', 'x')).toBe(10_000);
    expect(parseDuration('2m', 'x')).toBe(120_000);
    expect(parseDuration('3', 'x')).toBe(3000);
    expect(() => parseDuration('0s', '--validate-budget')).toThrow('--validate-budget: expected a duration');
    const parsed = parseValidateArgs({ validate: true, validateEndpoint: ['github-user=https://ghe.example.invalid/api/v3'], validateRate: ['github-user=2.5'], validateSkip: ['slack-auth-test'] })!;
    expect(parsed.endpoints.get('github-user')).toBe('https://ghe.example.invalid/api/v3');
    expect(parsed.rates.get('github-user')).toBe(2.5);
    expect([...parsed.skip]).toEqual(['slack-auth-test']);
    expect(parsed.timeoutMs).toBe(10_000);
    expect(parseValidateArgs({})).toBeUndefined();
  });
});
