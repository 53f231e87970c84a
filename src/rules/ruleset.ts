/**
 * The rules a scan starts from, before any config: the built-in rules (unless turned off) plus every
 * `--rules DIR` the user named. A user's rule that `keyward rules check` would reject (an example that does
 * not match, a negative that does) is refused here with the same message, so a scan never runs a rule its
 * own author's examples disprove. A user's rule with a built-in rule's id replaces it.
 */
import { mergeRules } from './merge.js';
import { KeywardError } from '../errors.js';
import { createRequire } from 'node:module';
import { loadRules } from './load.js';
import type { Rule } from './types.js';

// The example checker (and the engine it runs) loads only when a user names rules: a hook with the built-in
// rules pays nothing for it.
const require = createRequire(import.meta.url);
const check = () => require('./check.js') as typeof import('./check.js');

export interface RuleSetOptions {
  /** `--rules DIR` (repeatable): rule directories or files added to the built-in rules. */
  extraRules: readonly string[];
  /** `--no-builtin-rules`: run only the extra rules (and a config's). */
  builtin: boolean;
}

export function loadRuleSet(options: RuleSetOptions): Rule[] {
  let rules: Rule[] = options.builtin ? loadRules() : [];
  for (const dir of options.extraRules) {
    const added = loadRules(dir);
    const { checkLoadedRules, formatProblem } = check();
    const { problems } = checkLoadedRules(added);
    if (problems.length > 0) {
      throw new KeywardError(`${formatProblem(problems[0]!)}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length === 2 ? '' : 's'})` : ''}`, {
        hint: `keyward rules check --rules ${dir} lists every problem`,
      });
    }
    rules = mergeRules(rules, added).rules;
  }
  return rules;
}
