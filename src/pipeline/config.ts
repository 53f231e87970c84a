/**
 * The first stage: which rules run and how noisy they may be. Reads the config (named, or the nearest
 * `.keyward.yml` at or above the source's root) and returns plain data for the engine.
 */
import { applyConfigToRules, describeRuleSet, emptyConfig, findConfig, loadConfig } from '../config/load.js';
import { DEFAULT_DECODE, type NoiseOptions } from '../engine/noise.js';
import { KeywardError } from '../errors.js';
import { loadRuleSet as loadRulesWithExtras } from '../rules/ruleset.js';
import type { Rule } from '../rules/types.js';

export interface RuleSetup {
  rules: Rule[];
  noise: NoiseOptions;
  /** From the config's max_file_size; an explicit option wins. */
  maxFileSize: number | undefined;
  /** Which rules run, for the summary: `450 built-in`, `5 custom only ([extend] useDefault is not set)`. */
  ruleSet: string;
  /** The config's `baseline:` file, if it names one. */
  baseline?: string;
  warnings: string[];
}

export interface RuleOptions {
  /** Rule directories or YAML files added to the built-in rules (`--rules`, repeatable). */
  extraRules?: string[];
  /** Run the built-in rules (default true; `--no-builtin-rules`). */
  builtinRules?: boolean;
  /** Rules already loaded (a library caller's own). */
  rules?: Rule[];
  /** A .keyward.yml or gitleaks .toml; default: the nearest .keyward.yml at or above the scan root. */
  config?: string;
  /** Decode base64/hex/percent segments this deep (0 = off). */
  decodeDepth?: number;
}

/** The built-in rules plus every extra rules directory (or only those); a rule rules check rejects is refused. */
export function loadRuleSet(extraRules: readonly string[] = [], builtin = true): Rule[] {
  const rules = loadRulesWithExtras({ extraRules, builtin });
  if (rules.length === 0 && extraRules.length > 0) throw new KeywardError(`no rules found in ${extraRules.join(', ')}`);
  return rules;
}

export function loadRuleSetup(options: RuleOptions, scanRoot: string): RuleSetup {
  const baseRules = options.rules ?? loadRuleSet(options.extraRules, options.builtinRules ?? true);
  const file = options.config ?? findConfig(scanRoot);
  const config = file === undefined ? emptyConfig() : loadConfig(file);
  const { rules, warnings } = applyConfigToRules(baseRules, config);
  const noise: NoiseOptions = { ...config.noise };
  if (options.decodeDepth !== undefined) {
    noise.decode = { ...(noise.decode ?? DEFAULT_DECODE), depth: Math.max(0, Math.floor(options.decodeDepth)) };
  }
  // A config can turn every rule off (enable_only of unknown ids, a gitleaks file without rules): say so.
  if (rules.length === 0) throw new KeywardError('no rules to run: the config and --rules left none', { hint: 'check enable_only/disable, builtin_rules and [extend] useDefault in the config' });
  return {
    rules,
    noise,
    maxFileSize: config.maxFileSize,
    ruleSet: describeRuleSet(rules, config),
    ...(config.baseline === undefined ? {} : { baseline: config.baseline }),
    warnings: [...config.warnings, ...warnings],
  };
}
