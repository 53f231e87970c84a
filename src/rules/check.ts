import { compileMatcher } from '../matcher/index.js';
import { detect } from '../engine/detect.js';
import { compileScorer, DEFAULT_MIN_CONFIDENCE, scoreChunk } from '../engine/generic/index.js';
import { RuleError } from '../errors.js';
import { expandExample } from './examples.js';
import { loadRules } from './load.js';
import type { Rule } from './types.js';

export interface RuleProblem {
  ruleId: string;
  file: string;
  line: number;
  message: string;
}

export interface RuleCheckResult {
  rules: Rule[];
  examplesRun: number;
  problems: RuleProblem[];
}

/**
 * `keyward rules check`: every rule compiles, every example yields exactly its expected secret through the
 * full engine (prefilter, pattern, validators), every negative example yields nothing. A malformed file or
 * a pattern RE2 rejects throws a RuleError (nothing else can be checked without it).
 */
export function checkRules(dir?: string): RuleCheckResult {
  const rules = loadRules(dir);
  return checkLoadedRules(rules);
}

export function checkLoadedRules(rules: Rule[]): RuleCheckResult {
  const problems: RuleProblem[] = [];
  let examplesRun = 0;
  const problem = (rule: Rule, message: string) =>
    problems.push({ ruleId: rule.id, file: rule.source.file, line: rule.source.line, message });

  for (const rule of rules) {
    const single = rule.scorer === undefined ? compileMatcher([rule]) : undefined;
    const scorer = rule.scorer === undefined ? undefined : compileScorer([rule]);
    const all = [rule];
    // A scorer rule's examples go through the scorer at the default floor, as a scan would see them.
    const secretsIn = (text: string) =>
      scorer !== undefined
        ? scoreChunk(scorer, Buffer.from(text, 'utf8'), 'rules-check', { minConfidence: DEFAULT_MIN_CONFIDENCE, explain: false })
        : detect(single!, all, Buffer.from(text, 'utf8'));
    if (!rule.keywords.some((keyword) => keyword.trim().length >= 2)) problem(rule, 'needs a keyword of 2 or more characters');
    rule.examples.forEach((example, n) => {
      examplesRun++;
      const seed = `${rule.id}#${n}`;
      const text = expandExample(example.text, seed);
      const expected = expandExample(example.secret, seed);
      const found = secretsIn(text).map((d) => d.secret);
      if (!found.includes(expected)) {
        problem(rule, `example ${n + 1} ${found.length === 0 ? 'does not match' : `yields ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`}: ${JSON.stringify(text)}`);
      }
      if (rule.scorer === undefined && !rule.keywords.some((keyword) => text.toLowerCase().includes(keyword.toLowerCase()))) {
        problem(rule, `example ${n + 1} contains none of the keywords, so the prefilter would skip it`);
      }
    });
    rule.negativeExamples.forEach((negative, n) => {
      examplesRun++;
      const text = expandExample(negative, `${rule.id}#negative${n}`);
      const found = secretsIn(text);
      if (found.length > 0) problem(rule, `negative example ${n + 1} matches ${JSON.stringify(found.map((d) => d.secret))}`);
    });
  }
  return { rules, examplesRun, problems };
}

export function formatProblem(problem: RuleProblem): string {
  return new RuleError(problem.file, problem.message, problem.line, problem.ruleId).message;
}
