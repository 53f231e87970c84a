import { RuleError } from '../errors.js';
import type { Rule } from './types.js';

/** `added` on top of `base`: an added rule replaces a built-in one of the same id; other duplicates are errors. */
export function mergeRules(base: readonly Rule[], added: readonly Rule[]): { rules: Rule[]; warnings: string[] } {
  const warnings: string[] = [];
  const rules = [...base];
  const indexById = new Map(rules.map((rule, index) => [rule.id, index]));
  for (const rule of added) {
    const index = indexById.get(rule.id);
    const earlier = index === undefined ? undefined : rules[index]!;
    if (earlier === undefined) {
      indexById.set(rule.id, rules.length);
      rules.push(rule);
    } else if (earlier.builtin && !rule.builtin) {
      rules[index!] = rule;
    } else {
      throw new RuleError(rule.source.file, `duplicate rule id (first defined at ${earlier.source.file}:${earlier.source.line})`, rule.source.line, rule.id);
    }
  }
  return { rules, warnings };
}

