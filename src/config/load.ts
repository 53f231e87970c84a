/**
 * `.keyward.yml`: which rules run, extra rules, allowlists, limits and decoding. Found upward from the scan
 * root (or named with --config), validated against schemas/config.schema.json, and turned into plain data:
 * rules plus NoiseOptions for the engine. A gitleaks TOML given to --config is read by ./gitleaks.ts.
 * Nothing in a config is executed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject } from 'ajv';
import { KeywardError, describeFsError } from '../errors.js';
import type { AllowlistData, NoiseOptions } from '../engine/noise.js';
import { DEFAULT_DECODE } from '../engine/noise.js';
import { describeSchemaError, firstLine, yamlToData, lineOf, lineOfUnclosedQuote, loadRules, RULE_SCHEMA_PATH, toRule, type RawRule } from '../rules/load.js';
import type { Rule } from '../rules/types.js';
import { ConfigError } from './errors.js';
import { mergeRules } from '../rules/merge.js';

export { mergeRules };
// The gitleaks importer loads only for a .toml config.
const gitleaks = () => require('./gitleaks.js') as typeof import('./gitleaks.js');

// ajv, yaml and the TOML parser load only when a config file exists: most scans (and every pre-commit hook
// without a config) need none of them.
const require = createRequire(import.meta.url);
const yaml = () => require('yaml') as typeof import('yaml');

export { ConfigError };

export const CONFIG_NAMES = ['.keyward.yml', '.keyward.yaml'];
const CONFIG_SCHEMA_PATH = fileURLToPath(new URL('../../schemas/config.schema.json', import.meta.url));

export interface KeywardConfig {
  /** The file it came from; undefined for the empty default. */
  file: string | undefined;
  disable: string[];
  enableOnly: string[] | undefined;
  /** Rules from custom_rules, rules_dirs or an imported gitleaks config, added to the base rules. */
  rules: Rule[];
  noise: NoiseOptions;
  maxFileSize: number | undefined;
  /**
   * Whether the built-in rules run beside the config's own. A .keyward.yml says `builtin_rules: false` to
   * turn them off; a gitleaks TOML keeps them only with `[extend] useDefault = true`, as gitleaks does.
   */
  builtinRules: boolean;
  /** `baseline:`, resolved against the config's folder: the baseline every scan of the repository honours. */
  baseline?: string;
  warnings: string[];
}

export function emptyConfig(): KeywardConfig {
  return { file: undefined, disable: [], enableOnly: undefined, rules: [], noise: {}, maxFileSize: undefined, builtinRules: true, warnings: [] };
}

/** The nearest `.keyward.yml` in `startDir` or above it, up to the repository root (or the filesystem root outside one). */
export function findConfig(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    // A repository's config lives in it: the search stops at the repository root (where .git is), so a
    // repository checked out inside another never picks up the outer one's config.
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let validateConfigFile: ReturnType<Ajv['compile']> | undefined;

function configValidator(): ReturnType<Ajv['compile']> {
  if (validateConfigFile === undefined) {
    const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
    const ajv = new AjvClass({ allErrors: true, strict: true });
    ajv.addSchema(JSON.parse(readFileSync(RULE_SCHEMA_PATH, 'utf8')) as object);
    validateConfigFile = ajv.compile(JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as object);
  }
  return validateConfigFile;
}

interface RawAllowlist {
  paths?: string[];
  path_regexes?: string[];
  regexes?: string[];
  line_regexes?: string[];
  stopwords?: string[];
  commits?: string[];
}

interface RawConfig {
  rules?: { disable?: string[]; enable_only?: string[] };
  rules_dirs?: string[];
  custom_rules?: RawRule[];
  allowlist?: RawAllowlist;
  rule_allowlists?: Record<string, RawAllowlist>;
  max_file_size?: number | string;
  decode?: { depth?: number; max_bytes?: number | string };
  inline_ignores?: boolean;
  min_confidence?: 'high' | 'medium' | 'low';
  builtin_rules?: boolean;
  baseline?: string;
}

/** Loads a `.keyward.yml`, or a gitleaks TOML (by its `.toml` extension). */
export function loadConfig(file: string): KeywardConfig {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, `cannot read config: ${describeFsError(error)}`);
  }
  if (extname(file).toLowerCase() === '.toml') return gitleaksAsConfig(file, source);
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = document.errors[0];
  if (syntaxError !== undefined) {
    let line = lineCounter.linePos(syntaxError.pos[0]).line;
    if (syntaxError.code === 'MISSING_CHAR' && /quote/.test(syntaxError.message)) {
      line = lineOfUnclosedQuote(source, line, syntaxError.message.includes('"') ? '"' : "'") ?? line;
    }
    throw new ConfigError(file, `invalid YAML: ${firstLine(syntaxError.message)}`, line);
  }
  const data: unknown = yamlToData(document, (detail) => new ConfigError(file, detail)) ?? {};
  const validate = configValidator();
  if (!validate(data)) {
    const error = pickError(validate.errors!);
    const extra = error.keyword === 'additionalProperties' ? `/${(error.params as { additionalProperty: string }).additionalProperty}` : '';
    const path = (error.instancePath + extra)
      .split('/')
      .slice(1)
      .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment.replaceAll('~1', '/').replaceAll('~0', '~')));
    const sizeField = validate.errors!.some((e) => e.schemaPath.startsWith('#/definitions/size') && e.instancePath === error.instancePath);
    const detail = sizeField ? `${path.join('.')}: ${JSON.stringify(valueAt(data, path))} is not a size (write e.g. 10MB, 512KB or a number of bytes)` : describeSchemaError(error);
    throw new ConfigError(file, detail, lineOf(document, lineCounter, path), 'the config format is schemas/config.schema.json');
  }
  const raw = data as RawConfig;
  const config = emptyConfig();
  config.file = file;
  config.disable = raw.rules?.disable ?? [];
  config.enableOnly = raw.rules?.enable_only;
  const base = dirname(file);
  for (const dir of raw.rules_dirs ?? []) config.rules.push(...loadRules(resolve(base, dir)));
  (raw.custom_rules ?? []).forEach((rule, index) => config.rules.push(toRule(rule, file, lineOf(document, lineCounter, ['custom_rules', index]))));
  if (raw.allowlist !== undefined) config.noise.allowlist = toAllowlist(raw.allowlist);
  if (raw.rule_allowlists !== undefined) {
    config.noise.ruleAllowlists = Object.fromEntries(Object.entries(raw.rule_allowlists).map(([id, list]) => [id, toAllowlist(list)]));
  }
  if (raw.decode !== undefined) {
    config.noise.decode = {
      depth: raw.decode.depth ?? DEFAULT_DECODE.depth,
      maxBytes: raw.decode.max_bytes === undefined ? DEFAULT_DECODE.maxBytes : sizeOf(raw.decode.max_bytes),
    };
  }
  if (raw.inline_ignores !== undefined) config.noise.inlineIgnores = raw.inline_ignores;
  if (raw.min_confidence !== undefined) config.noise.minConfidence = raw.min_confidence;
  if (raw.max_file_size !== undefined) config.maxFileSize = sizeOf(raw.max_file_size);
  if (raw.builtin_rules !== undefined) config.builtinRules = raw.builtin_rules;
  if (raw.baseline !== undefined) config.baseline = resolve(base, raw.baseline);
  return config;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const key of path) node = (node as Record<string | number, unknown> | undefined)?.[key];
  return node;
}

/** The most useful of ajv's errors: a misspelt field first, then the deepest error (not "must match else"). */
function pickError(errors: ErrorObject[]): ErrorObject {
  const misspelt = errors.find((e) => e.keyword === 'additionalProperties');
  if (misspelt !== undefined) return misspelt;
  const useful = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf');
  return [...(useful.length > 0 ? useful : errors)].sort((a, b) => b.instancePath.length - a.instancePath.length)[0]!;
}

function toAllowlist(raw: RawAllowlist): AllowlistData {
  const list: AllowlistData = {};
  if (raw.paths !== undefined) list.paths = raw.paths;
  if (raw.path_regexes !== undefined) list.pathRegexes = raw.path_regexes;
  if (raw.regexes !== undefined) list.regexes = raw.regexes;
  if (raw.line_regexes !== undefined) list.lineRegexes = raw.line_regexes;
  if (raw.stopwords !== undefined) list.stopwords = raw.stopwords;
  if (raw.commits !== undefined) list.commits = raw.commits;
  return list;
}

function gitleaksAsConfig(file: string, source: string): KeywardConfig {
  const imported = gitleaks().importGitleaksConfig(file, source);
  if (imported.rejected.length > 0) {
    throw new ConfigError(
      file,
      `${imported.rejected.length} gitleaks rule(s) cannot be used:\n${imported.rejected.map((r) => `  rule ${r.id}: ${r.reason}`).join('\n')}`,
      undefined,
      'fix or remove them, or run keyward rules import-gitleaks to import the rest',
    );
  }
  const config = emptyConfig();
  config.file = file;
  config.rules = imported.rules;
  config.disable = imported.disabledRules;
  config.noise = imported.noise;
  config.builtinRules = imported.useDefault;
  config.warnings = imported.warnings.map((warning) => `${basename(file)}: ${warning}`);
  return config;
}

/** `10MB`, `512k`, `1048576` → bytes (the schema has already checked the shape). */
export function sizeOf(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(value);
  if (match === null) throw new KeywardError(`'${value}' is not a size`);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(match[1]) * scale);
}

/**
 * The rules a scan runs: `base` (without the built-in rules when the config turns them off) plus the
 * config's rules, then `enable_only` and `disable`. A config rule with a built-in rule's id replaces it, as
 * gitleaks' own default config does when it extends the defaults; two of the user's own rules with one id
 * are an error naming both places. Unknown ids in either list are warnings (a typo should not stop a scan).
 */
export function applyConfigToRules(base: Rule[], config: KeywardConfig): { rules: Rule[]; warnings: string[] } {
  const { rules, warnings } = mergeRules(config.builtinRules ? base : base.filter((rule) => !rule.builtin), config.rules);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const where = config.file === undefined ? 'config' : basename(config.file);
  for (const id of [...config.disable, ...(config.enableOnly ?? [])]) {
    if (!byId.has(id)) warnings.push(`${where}: no rule has the id ${id}`);
  }
  let selected = rules;
  if (config.enableOnly !== undefined) {
    const only = new Set(config.enableOnly);
    selected = selected.filter((rule) => only.has(rule.id));
  }
  const disabled = new Set(config.disable);
  selected = selected.filter((rule) => !disabled.has(rule.id));
  for (const id of Object.keys(config.noise.ruleAllowlists ?? {})) {
    if (!byId.has(id)) warnings.push(`${where}: rule_allowlists names ${id}, which no rule has`);
  }
  return { rules: selected, warnings };
}

/** What the summary says about the active rules: `212 built-in`, `212 built-in + 3 from .keyward.yml`, `5 from gitleaks.toml only`. */
export function describeRuleSet(rules: readonly Rule[], config: Pick<KeywardConfig, 'file' | 'builtinRules'>): string {
  const builtin = rules.filter((rule) => rule.builtin).length;
  const own = rules.length - builtin;
  if (builtin === 0) {
    const why = config.file !== undefined && !config.builtinRules ? (extname(config.file).toLowerCase() === '.toml' ? ' ([extend] useDefault is not set)' : ' (builtin_rules: false)') : '';
    return `${own} custom only${why}`;
  }
  return own === 0 ? `${builtin} built-in` : `${builtin} built-in + ${own} custom`;
}
