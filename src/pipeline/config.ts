/**
 * The first stage: which rules run and how noisy they may be. Reads the config (named, or the nearest
 * `.keyward.yml` at or above the source's root) and returns plain data for the engine.
 */
import { applyConfigToRules, emptyConfig, findConfig, loadConfig } from '../config/load.js';
import { DEFAULT_DECODE, type NoiseOptions } from '../engine/noise.js';
import { KeywardError } from '../errors.js';
import { loadRules } from '../rules/load.js';
import type { Rule } from '../rules/types.js';

export interface RuleSetup {
  rules: Rule[];
  noise: NoiseOptions;
  /** From the config's max_file_size; an explicit option wins. */
  maxFileSize: number | undefined;
  warnings: string[];
}

export interface RuleOptions {
  /** Rules from this directory or YAML file instead of the built-in rules. */
  rulesDir?: string;
  /** Rules already loaded (a library caller's own). */
  rules?: Rule[];
  /** A .keyward.yml or gitleaks .toml; default: the nearest .keyward.yml at or above the scan root. */
  config?: string;
  /** Decode base64/hex/percent segments this deep (0 = off). */
  decodeDepth?: number;
}

export function loadRuleSet(rulesDir: string | undefined): Rule[] {
  const rules = loadRules(rulesDir);
  if (rules.length === 0) throw new KeywardError(`no rules found in ${rulesDir ?? 'the built-in rules'}`);
  return rules;
}

export function loadRuleSetup(options: RuleOptions, scanRoot: string): RuleSetup {
  const baseRules = options.rules ?? loadRuleSet(options.rulesDir);
  const file = options.config ?? findConfig(scanRoot);
  const config = file === undefined ? emptyConfig() : loadConfig(file);
  const { rules, warnings } = applyConfigToRules(baseRules, config);
  const noise: NoiseOptions = { ...config.noise };
  if (options.decodeDepth !== undefined) {
    noise.decode = { ...(noise.decode ?? DEFAULT_DECODE), depth: Math.max(0, Math.floor(options.decodeDepth)) };
  }
  return { rules, noise, maxFileSize: config.maxFileSize, warnings: [...config.warnings, ...warnings] };
}
