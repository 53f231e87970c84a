import { compileMatcher } from '../matcher/index.js';
import { compileFilterRegex } from '../matcher/filters.js';
import { detect, type Detection } from '../engine/detect.js';
import { compileScorer, DEFAULT_MIN_CONFIDENCE, scoreChunk } from '../engine/generic/index.js';
import { resolvePairs, withPartRules } from '../engine/pairs.js';
import { RuleError } from '../errors.js';
import { commonKeywordReason } from './common-keywords.js';
import { expandExample } from './examples.js';
import { loadRulesWithExamples } from './load.js';
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
  return checkLoadedRules(loadRulesWithExamples(dir));
}

export function checkLoadedRules(rules: Rule[]): RuleCheckResult {
  const problems: RuleProblem[] = [];
  let examplesRun = 0;
  const problem = (rule: Rule, message: string) =>
    problems.push({ ruleId: rule.id, file: rule.source.file, line: rule.source.line, message });

  for (const rule of rules) {
    // The rule with the hidden rules of its parts, if it is a pair rule: what the engine compiles.
    const all = withPartRules([rule]);
    // A scorer rule's examples go through the scorer at the default floor, as a scan would see them.
    const scorer = rule.scorer === undefined ? undefined : compileScorer([rule]);
    const single = scorer === undefined ? compileMatcher(all) : undefined;
    const onPath = rule.pathPattern === undefined ? undefined : compileFilterRegex(rule.pathPattern);
    /** What the engine reports for `text` in the file `path`: pairs joined, the path condition applied. */
    const run = (text: string, path: string | undefined): Detection[] => {
      if (onPath !== undefined && path !== undefined && !onPath.test(path)) return [];
      const data = Buffer.from(text, 'utf8');
      if (scorer !== undefined) return scoreChunk(scorer, data, path ?? 'rules-check', { minConfidence: DEFAULT_MIN_CONFIDENCE, explain: false });
      return resolvePairs(detect(single!, all, data), data);
    };
    if (!rule.keywords.some((keyword) => keyword.trim().length >= 2)) problem(rule, 'needs a keyword of 2 or more characters');
    if (onPath !== undefined && !rule.imported && rule.examples.some((example) => example.path === undefined)) {
      problem(rule, 'has a path condition: every example needs a path');
    }
    // A rule with a path condition prefilters only the files on its path (src/engine/index.ts): a common word is cheap there.
    if (!rule.tags.includes('generic') && rule.pathPattern === undefined) {
      for (const keyword of rule.keywords) {
        const reason = commonKeywordReason(keyword);
        if (reason !== undefined) {
          problem(rule, `keyword ${JSON.stringify(keyword)} is too common to prefilter (${reason}): use a token prefix or the provider's name, and put the rest of the context in the pattern`);
        }
      }
    }
    rule.examples.forEach((example, n) => {
      examplesRun++;
      const seed = `${rule.id}#${n}`;
      const text = expandExample(example.text, seed);
      const expected = expandExample(example.secret, seed);
      if (onPath !== undefined && example.path !== undefined && !onPath.test(example.path)) {
        problem(rule, `example ${n + 1}: path ${JSON.stringify(example.path)} does not meet the rule's path condition`);
        return;
      }
      const detections = run(text, example.path);
      const found = detections.map((d) => d.secret);
      if (!found.includes(expected)) {
        problem(rule, `example ${n + 1} ${found.length === 0 ? 'does not match' : `yields ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`}: ${JSON.stringify(text)}`);
      } else if (example.parts !== undefined) {
        const parts = detections.find((d) => d.secret === expected)?.parts ?? {};
        for (const [name, value] of Object.entries(example.parts)) {
          const want = expandExample(value, seed);
          if (parts[name] !== want) problem(rule, `example ${n + 1}: part ${name} is ${JSON.stringify(parts[name] ?? null)}, expected ${JSON.stringify(want)}`);
        }
      }
      if (scorer === undefined && !rule.keywords.some((keyword) => text.toLowerCase().includes(keyword.toLowerCase()))) {
        problem(rule, `example ${n + 1} contains none of the keywords, so the prefilter would skip it`);
      }
    });
    rule.negativeExamples.forEach((negative, n) => {
      examplesRun++;
      const text = expandExample(negative, `${rule.id}#negative${n}`);
      const found = run(text, rule.negativeExamplePaths?.[n] ?? rule.examples[0]?.path);
      if (found.length > 0) problem(rule, `negative example ${n + 1} matches ${JSON.stringify(found.map((d) => d.secret))}`);
    });
  }
  return { rules, examplesRun, problems };
}

export function formatProblem(problem: RuleProblem): string {
  return new RuleError(problem.file, problem.message, problem.line, problem.ruleId).message;
}
