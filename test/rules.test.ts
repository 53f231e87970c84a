import { describe, expect, it } from 'vitest';
import { checkRules, formatProblem } from '../src/rules/check.js';
import { rejectReason, stripLiteralPrefix } from '../src/engine/detect.js';
import { expandExample } from '../src/rules/examples.js';
import { loadRulesWithExamples } from '../src/rules/load.js';
import { xorshift32 } from './helpers.js';

describe('rules/ proves itself', () => {
  const result = checkRules();

  it('every example of every rule yields its secret and no negative example matches', () => {
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.examplesRun).toBeGreaterThanOrEqual(result.rules.length * 3);
  });

  it('has at least 40 rules, each with 2 examples and a negative example', () => {
    const rules = loadRulesWithExamples();
    expect(rules.length).toBeGreaterThanOrEqual(40);
    for (const rule of rules) {
      expect(rule.examples.length, rule.id).toBeGreaterThanOrEqual(2);
      expect(rule.negativeExamples.length, rule.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('an entropy minimum or shape check drops fewer than 1 in 100 generated values of a rule\'s own format', () => {
    const alphabets: [RegExp, string][] = [
      [/^[0-9a-f]+$/, '0123456789abcdef'],
      [/^[0-9A-F]+$/, '0123456789ABCDEF'],
      [/^[0-9a-z]+$/, '0123456789abcdefghijklmnopqrstuvwxyz'],
      [/^[0-9A-Z]+$/, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
      [/^[0-9A-Za-z]+$/, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'],
    ];
    const losses: string[] = [];
    let checked = 0;
    for (const rule of loadRulesWithExamples()) {
      if (rule.entropy === undefined && !rule.requireLetterAndDigit) continue;
      const example = rule.examples.find((candidate) => candidate.secret !== undefined);
      if (example?.secret === undefined) continue;
      const secret = expandExample(example.secret, rule.id);
      const body = stripLiteralPrefix(rule, secret);
      const alphabet = alphabets.find(([shape]) => shape.test(body))?.[1];
      if (alphabet === undefined || body.length < 14) continue;
      checked++;
      // Values drawn from the example's own alphabet and length, as a provider's generator would make them.
      const next = xorshift32(body.length * 7919 + rule.id.length);
      let lost = 0;
      for (let i = 0; i < 2000; i++) {
        let value = '';
        for (let j = 0; j < body.length; j++) value += alphabet[next() % alphabet.length];
        const reason = rejectReason(rule, secret.slice(0, secret.length - body.length) + value);
        if (reason === 'entropy' || reason === 'shape') lost++;
      }
      if (lost >= 20) losses.push(`${rule.id}: ${lost} of 2000`);
    }
    expect(checked).toBeGreaterThan(100);
    expect(losses).toEqual([]);
  });
});
