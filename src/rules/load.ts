import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject } from 'ajv';
import type { Document, LineCounter, Node } from 'yaml';
import { RuleError, describeFsError } from '../errors.js';
import type { ChecksumValidator, Near, Precision, Rule, RulePart, Severity } from './types.js';

export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
export const RULE_SCHEMA_PATH = fileURLToPath(new URL('../../schemas/rule.schema.json', import.meta.url));

/** The built-in rules, parsed and validated at build time (see scripts/compile-rules.mjs). */
export const BUILTIN_RULES_CACHE = fileURLToPath(new URL('../../dist/rules.builtin.json', import.meta.url));

// ajv and yaml cost ~100 ms to load; a pre-commit hook with the built-in rules needs neither.
const require = createRequire(import.meta.url);
const yaml = () => require('yaml') as typeof import('yaml');

let validateRuleFile: ReturnType<Ajv['compile']> | undefined;

function ruleFileValidator(): ReturnType<Ajv['compile']> {
  if (validateRuleFile === undefined) {
    const schema = JSON.parse(readFileSync(RULE_SCHEMA_PATH, 'utf8')) as object;
    const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
    validateRuleFile = new AjvClass({ allErrors: true, strict: true }).compile(schema);
  }
  return validateRuleFile;
}

export interface RawRule {
  id: string;
  name: string;
  description: string;
  severity: Severity;
  precision?: Precision;
  tags?: string[];
  keywords: string[];
  pattern: string;
  entropy?: number;
  validator?: { kind: 'crc32-base62'; covers?: 'after-prefix' | 'whole' };
  allow_placeholders?: boolean;
  require_letter_and_digit?: boolean;
  references?: string[];
  examples?: { text: string; secret: string; parts?: Record<string, string>; path?: string }[];
  negative_examples?: (string | { text: string; path: string })[];
  path?: string;
  verify?: string;
  requires?: { part: string; pattern: string; near: Near; entropy?: number }[];
  imported?: boolean;
  scorer?: string;
}

/** Every `*.yml`/`*.yaml` file in `dir` (sorted, so rule order is stable), or `dir` itself if it is a file. */
export function ruleFilesIn(dir: string): string[] {
  let stats;
  try {
    stats = statSync(dir);
  } catch (error) {
    throw new RuleError(dir, `cannot read rules: ${describeFsError(error)}`);
  }
  if (!stats.isDirectory()) return [dir];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** Parses and schema-checks one rule file. Patterns are not compiled here (that is the matcher's job). */
export function parseRuleFile(file: string, text?: string): Rule[] {
  let source: string;
  try {
    source = text ?? readFileSync(file, 'utf8');
  } catch (error) {
    throw new RuleError(file, `cannot read: ${describeFsError(error)}`);
  }
  const lineCounter = new (yaml().LineCounter)();
  const document = yaml().parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = document.errors[0];
  if (syntaxError !== undefined) {
    let line = lineCounter.linePos(syntaxError.pos[0]).line;
    if (syntaxError.code === 'MISSING_CHAR' && /quote/.test(syntaxError.message)) {
      // The parser notices an unclosed quote where the file ends; the user wants the line that opened it.
      line = lineOfUnclosedQuote(source, line, syntaxError.message.includes('"') ? '"' : "'") ?? line;
    }
    throw new RuleError(file, `invalid YAML: ${firstLine(syntaxError.message)}`, line);
  }
  const data: unknown = yamlToData(document, (detail) => new RuleError(file, detail));
  const validate = ruleFileValidator();
  if (!validate(data)) {
    // A misspelt field also leaves a required one missing; the misspelling is the error worth naming.
    const errors = validate.errors!;
    const error = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0]!;
    const extra = error.keyword === 'additionalProperties' ? `/${(error.params as { additionalProperty: string }).additionalProperty}` : '';
    const { line, ruleId } = locate(document, lineCounter, error.instancePath + extra, data);
    // Several missing fields of one rule are named together: fixing them one run at a time is tedious.
    const missing = error.keyword === 'required' ? [...new Set(errors.filter((e) => e.keyword === 'required' && e.instancePath === error.instancePath).map((e) => (e.params as { missingProperty: string }).missingProperty))] : [];
    const detail =
      missing.length > 1
        ? `${error.instancePath === '' ? 'file' : error.instancePath.slice(1).replaceAll('/', '.')}: missing required fields ${missing.map((field) => `'${field}'`).join(', ')}`
        : describeSchemaError(error);
    throw new RuleError(file, detail, line, ruleId);
  }
  const raw = (data as { rules: RawRule[] }).rules;
  return raw.map((rule, index) => toRule(rule, file, lineOf(document, lineCounter, ['rules', index])));
}

export function toRule(raw: RawRule, file: string, line: number): Rule {
  const validator: ChecksumValidator | undefined =
    raw.validator === undefined ? undefined : { kind: raw.validator.kind, covers: raw.validator.covers ?? 'after-prefix' };
  return {
    id: raw.id,
    name: raw.name,
    description: raw.description.trim(),
    severity: raw.severity,
    precision: raw.precision ?? (validator === undefined ? 'high' : 'very-high'),
    tags: raw.tags ?? [],
    keywords: raw.keywords,
    pattern: raw.pattern,
    ...(raw.entropy === undefined ? {} : { entropy: raw.entropy }),
    ...(validator === undefined ? {} : { validator }),
    allowPlaceholders: raw.allow_placeholders ?? false,
    ...(raw.require_letter_and_digit ? { requireLetterAndDigit: true } : {}),
    references: raw.references ?? [],
    examples: raw.examples ?? [],
    negativeExamples: (raw.negative_examples ?? []).map((negative) => (typeof negative === 'string' ? negative : negative.text)),
    ...(raw.path === undefined ? {} : { pathPattern: raw.path }),
    ...(raw.verify === undefined ? {} : { verify: raw.verify }),
    ...((raw.negative_examples ?? []).some((negative) => typeof negative !== 'string')
      ? { negativeExamplePaths: (raw.negative_examples ?? []).map((negative) => (typeof negative === 'string' ? null : negative.path)) }
      : {}),
    ...(raw.requires === undefined ? {} : { requires: raw.requires.map(toPart) }),
    ...(raw.imported === true ? { imported: true } : {}),
    ...(raw.scorer === undefined ? {} : { scorer: raw.scorer }),
    source: { file, line },
  };
}

function toPart(raw: { part: string; pattern: string; near: Near; entropy?: number }): RulePart {
  return { name: raw.part, pattern: raw.pattern, near: raw.near, ...(raw.entropy === undefined ? {} : { entropy: raw.entropy }) };
}

/** Loads every rule file in `dir`; a duplicate id is an error naming both places. */
export function loadRules(dir: string = DEFAULT_RULES_DIR): Rule[] {
  if (dir === DEFAULT_RULES_DIR) {
    const cached = cachedBuiltinRules();
    if (cached !== undefined) return cached;
    return parseRulesIn(dir).map((rule) => ({ ...rule, builtin: true }));
  }
  return parseRulesIn(dir);
}

/**
 * The rules with their examples and negative examples, which the build-time cache leaves out (a scan never
 * reads them, and they are most of its size): what `rules check` runs.
 */
export function loadRulesWithExamples(dir: string = DEFAULT_RULES_DIR): Rule[] {
  return dir === DEFAULT_RULES_DIR ? parseRulesIn(dir).map((rule) => ({ ...rule, builtin: true })) : parseRulesIn(dir);
}

/** A fingerprint of the rule files' names and contents: the cache is used only if it matches. */
export function ruleFilesDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of ruleFilesIn(dir)) hash.update(basename(file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function cachedBuiltinRules(): Rule[] | undefined {
  let cache: { digest: string; rules: Rule[] };
  try {
    cache = JSON.parse(readFileSync(BUILTIN_RULES_CACHE, 'utf8')) as { digest: string; rules: Rule[] };
  } catch {
    return undefined;
  }
  if (cache.digest !== ruleFilesDigest(DEFAULT_RULES_DIR)) return undefined;
  return cache.rules.map((rule) => ({ ...rule, builtin: true, source: { ...rule.source, file: join(DEFAULT_RULES_DIR, rule.source.file) } }));
}

export function parseRulesIn(dir: string): Rule[] {
  const rules: Rule[] = [];
  const seen = new Map<string, Rule>();
  for (const file of ruleFilesIn(dir)) {
    for (const rule of parseRuleFile(file)) {
      const earlier = seen.get(rule.id);
      if (earlier !== undefined) {
        throw new RuleError(
          rule.source.file,
          `duplicate rule id (first defined at ${basename(earlier.source.file)}:${earlier.source.line})`,
          rule.source.line,
          rule.id,
        );
      }
      seen.set(rule.id, rule);
      rules.push(rule);
    }
  }
  return rules;
}

export function describeSchemaError(error: ErrorObject): string {
  const field = error.instancePath === '' ? 'file' : error.instancePath.slice(1).replaceAll('/', '.');
  switch (error.keyword) {
    case 'additionalProperties':
      return `${field}: unknown field '${(error.params as { additionalProperty: string }).additionalProperty}'`;
    case 'required':
      return `${field}: missing required field '${(error.params as { missingProperty: string }).missingProperty}'`;
    case 'enum':
      return `${field}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    default:
      return `${field}: ${error.message ?? 'is invalid'}`;
  }
}

function locate(
  document: Document,
  lineCounter: LineCounter,
  instancePath: string,
  data: unknown,
): { line: number | undefined; ruleId: string | undefined } {
  const path = instancePath
    .split('/')
    .slice(1)
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  let ruleId: string | undefined;
  if (path[0] === 'rules' && typeof path[1] === 'number') {
    const rule = (data as { rules?: { id?: unknown }[] }).rules?.[path[1]];
    if (typeof rule?.id === 'string') ruleId = rule.id;
  }
  return { line: lineOf(document, lineCounter, path), ruleId };
}

/** The line of the deepest node along `path` that exists. */
export function lineOf(document: Document, lineCounter: LineCounter, path: (string | number)[]): number {
  let node: unknown = document.contents;
  let best: Node | undefined = node as Node | undefined;
  for (const key of path) {
    if (yaml().isMap(node)) node = node.get(key, true);
    else if (yaml().isSeq(node)) node = node.get(key as number, true);
    else break;
    if (node === undefined) break;
    best = node as Node;
  }
  const offset = best?.range?.[0] ?? 0;
  return lineCounter.linePos(offset).line;
}

export function lineOfUnclosedQuote(source: string, errorLine: number, quote: string): number | undefined {
  const lines = source.split('\n');
  for (let line = Math.min(errorLine, lines.length); line >= 1; line--) {
    if ((lines[line - 1]!.split(quote).length - 1) % 2 === 1) return line;
  }
  return undefined;
}

/**
 * The document as plain data. YAML aliases can expand exponentially (a "billion laughs" file); the yaml
 * library refuses past its alias budget, and that refusal is the user's input error, not ours.
 */
export function yamlToData(document: Document, error: (detail: string) => Error): unknown {
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    if (cause instanceof ReferenceError || (cause instanceof Error && /alias/i.test(cause.message))) {
      throw error(`YAML aliases expand too far (${firstLine(cause.message)}); write the values out instead of nesting aliases`);
    }
    throw cause;
  }
}

export function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
