import { describe, expect, it } from 'vitest';
import { checkRules, formatProblem } from '../src/rules/check.js';
import { loadRulesWithExamples } from '../src/rules/load.js';

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
});
