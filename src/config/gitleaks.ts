/**
 * Reads a gitleaks TOML config (v8): `[[rules]]` with id, description, regex, secretGroup, entropy,
 * keywords, path, tags and allowlists (`[rules.allowlist]` or `[[rules.allowlists]]`), global allowlists
 * (`[allowlist]` or `[[allowlists]]`, with `targetRules`), and `[extend] disabledRules`.
 *
 * Every gitleaks rule is either imported or listed in `rejected` with the reason, by rule id: nothing is
 * dropped silently. Go's regexp and RE2 share a syntax, so most patterns carry over unchanged; a pattern
 * RE2 rejects (lookaround, backreferences) is rejected here.
 */
import { createRequire } from 'node:module';
import type { AllowlistData, NoiseOptions } from '../engine/noise.js';
import { captureGroupCount, re2Rejection } from '../matcher/filters.js';
import type { RawRule } from '../rules/load.js';
import { toRule } from '../rules/load.js';
import type { Rule } from '../rules/types.js';
import { ConfigError } from './errors.js';

const require = createRequire(import.meta.url);
const parseToml = (source: string): unknown => (require('smol-toml') as typeof import('smol-toml')).parse(source);

export interface GitleaksImport {
  /** Rules in the rules/ YAML shape (with `imported: true`), for `rules import-gitleaks` to write. */
  raw: RawRule[];
  /** The same rules, loaded. */
  rules: Rule[];
  rejected: { id: string; reason: string }[];
  disabledRules: string[];
  /** `[extend] useDefault = true`: the built-in rules run too (gitleaks runs only the config's rules otherwise). */
  useDefault: boolean;
  noise: NoiseOptions;
  warnings: string[];
}

interface GitleaksAllowlist {
  description?: string;
  condition?: string;
  regexTarget?: string;
  regexes?: string[];
  paths?: string[];
  stopwords?: string[];
  commits?: string[];
  targetRules?: string[];
}

interface GitleaksRule {
  id?: string;
  description?: string;
  regex?: string;
  secretGroup?: number;
  entropy?: number;
  keywords?: string[];
  path?: string;
  tags?: string[];
  allowlist?: GitleaksAllowlist;
  allowlists?: GitleaksAllowlist[];
}

interface GitleaksConfig {
  extend?: { useDefault?: boolean; path?: string; disabledRules?: string[] };
  rules?: GitleaksRule[];
  allowlist?: GitleaksAllowlist;
  allowlists?: GitleaksAllowlist[];
}

export function importGitleaksConfig(file: string, source: string): GitleaksImport {
  let config: GitleaksConfig;
  try {
    config = parseToml(source) as GitleaksConfig;
  } catch (error) {
    const line = (error as { line?: number }).line;
    throw new ConfigError(file, `invalid TOML: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`, line);
  }
  checkShape(config, file);
  const result: GitleaksImport = { raw: [], rules: [], rejected: [], disabledRules: [], useDefault: config.extend?.useDefault === true, noise: {}, warnings: [] };
  const idMap = new Map<string, string>();
  const ruleAllowlists: Record<string, AllowlistData> = {};

  if (config.extend?.path !== undefined) result.warnings.push(`[extend] path = ${JSON.stringify(config.extend.path)} is not followed; import that file separately`);
  result.disabledRules = (config.extend?.disabledRules ?? []).map(normalizeId);

  (config.rules ?? []).forEach((rule, index) => {
    const originalId = rule.id ?? `rule-${index + 1}`;
    const id = normalizeId(originalId);
    idMap.set(originalId, id);
    if (id !== originalId) result.warnings.push(`rule ${originalId} is imported as ${id} (keyward ids are kebab-case)`);
    const converted = convertRule(rule, id);
    if ('reason' in converted) {
      result.rejected.push({ id: originalId, reason: converted.reason });
      return;
    }
    if ('skip' in converted) {
      result.warnings.push(`rule ${originalId}: ${converted.skip}`);
      return;
    }
    result.raw.push(converted.raw);
    result.rules.push(toRule(converted.raw, file, index + 1));
    const lists = [...(rule.allowlist === undefined ? [] : [rule.allowlist]), ...(rule.allowlists ?? [])];
    const merged = mergeAllowlists(lists, `rule ${originalId}`, result);
    if (merged !== undefined) ruleAllowlists[id] = merged;
  });

  const globalLists = [...(config.allowlist === undefined ? [] : [config.allowlist]), ...(config.allowlists ?? [])];
  const untargeted = globalLists.filter((list) => list.targetRules === undefined || list.targetRules.length === 0);
  const global = mergeAllowlists(untargeted, 'global allowlist', result);
  if (global !== undefined) result.noise.allowlist = global;
  for (const list of globalLists.filter((l) => (l.targetRules?.length ?? 0) > 0)) {
    for (const target of list.targetRules!) {
      const id = idMap.get(target) ?? normalizeId(target);
      const merged = mergeAllowlists([list], `allowlist for ${target}`, result);
      if (merged !== undefined) ruleAllowlists[id] = concatAllowlists(ruleAllowlists[id], merged);
    }
  }
  if (Object.keys(ruleAllowlists).length > 0) result.noise.ruleAllowlists = ruleAllowlists;
  return result;
}

function convertRule(rule: GitleaksRule, id: string): { raw: RawRule } | { reason: string } | { skip: string } {
  if (rule.regex === undefined || rule.regex === '') {
    if (rule.path !== undefined) return { skip: 'path-only rule (no regex) not imported: keyward reports secrets found in content, not file names' };
    return { reason: 'has no regex' };
  }
  const rejection = re2Rejection(rule.regex);
  if (rejection !== undefined) return { reason: `regex is not supported by RE2 (${rejection}); RE2 has no lookaround or backreferences` };
  let pattern = rule.regex;
  const groups = captureGroupCount(pattern);
  if (rule.secretGroup !== undefined && rule.secretGroup > 0) {
    if (rule.secretGroup > groups) return { reason: `secretGroup = ${rule.secretGroup} but the regex has ${groups} capture group(s)` };
    // keyward takes the first capture group as the secret: every other group becomes non-capturing.
    pattern = keepOnlyGroup(pattern, rule.secretGroup);
  }
  if (rule.path !== undefined) {
    const pathRejection = re2Rejection(rule.path);
    if (pathRejection !== undefined) return { reason: `path regex is not supported by RE2 (${pathRejection})` };
  }
  let keywords = (rule.keywords ?? []).map((k) => k.trim()).filter((k) => k.length >= 2);
  if (keywords.length === 0) {
    const derived = deriveKeyword(rule.regex);
    if (derived === undefined) {
      return { reason: 'has no keywords and none can be derived from its regex (keyward prefilters on literals); add keywords = ["..."] to the rule' };
    }
    keywords = [derived];
  }
  const description = rule.description?.trim() || `Imported from gitleaks rule ${rule.id ?? id}.`;
  const raw: RawRule = {
    id,
    name: firstSentence(description),
    description,
    severity: 'medium',
    precision: 'medium',
    tags: [...new Set(['gitleaks', ...(rule.tags ?? [])])],
    keywords: [...new Set(keywords.map((k) => k.toLowerCase()))],
    pattern,
    ...(rule.entropy === undefined || rule.entropy <= 0 ? {} : { entropy: Math.min(rule.entropy, 8) }),
    ...(rule.path === undefined ? {} : { path: rule.path }),
    imported: true,
  };
  return { raw };
}

function mergeAllowlists(lists: GitleaksAllowlist[], where: string, result: GitleaksImport): AllowlistData | undefined {
  let merged: AllowlistData | undefined;
  for (const list of lists) {
    const criteria = [list.regexes, list.paths, list.stopwords, list.commits].filter((c) => (c?.length ?? 0) > 0).length;
    if (list.condition?.toUpperCase() === 'AND' && criteria > 1) {
      result.warnings.push(`${where}: condition = "AND" over several criteria is not supported; this allowlist is not imported (findings it would hide are reported)`);
      continue;
    }
    const data: AllowlistData = {};
    const target = (list.regexTarget ?? 'secret').toLowerCase();
    const good = (patterns: string[] | undefined, field: string) =>
      (patterns ?? []).filter((pattern) => {
        const rejection = re2Rejection(pattern);
        if (rejection !== undefined) result.warnings.push(`${where}: ${field} ${JSON.stringify(pattern)} is not supported by RE2 and is not imported`);
        return rejection === undefined;
      });
    const regexes = good(list.regexes, 'regex');
    if (regexes.length > 0) {
      if (target === 'secret') data.regexes = regexes;
      else {
        if (target === 'match') result.warnings.push(`${where}: regexTarget = "match" is applied to the whole line`);
        data.lineRegexes = regexes;
      }
    }
    const paths = good(list.paths, 'path');
    if (paths.length > 0) data.pathRegexes = paths;
    if ((list.stopwords?.length ?? 0) > 0) data.stopwords = list.stopwords!;
    if ((list.commits?.length ?? 0) > 0) data.commits = list.commits!.filter((sha) => /^[0-9a-fA-F]{7,64}$/.test(sha));
    merged = concatAllowlists(merged, data);
  }
  return merged === undefined || Object.keys(merged).length === 0 ? undefined : merged;
}

function concatAllowlists(a: AllowlistData | undefined, b: AllowlistData): AllowlistData {
  if (a === undefined) return b;
  const out: AllowlistData = { ...a };
  for (const key of Object.keys(b) as (keyof AllowlistData)[]) out[key] = [...(a[key] ?? []), ...(b[key] ?? [])];
  return out;
}

export function normalizeId(id: string): string {
  return (
    id
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/([.-])[.-]+/g, '$1')
      .replace(/^[.-]+|[.-]+$/g, '') || 'imported-rule'
  );
}

function firstSentence(text: string): string {
  const sentence = text.split(/(?<=\.)\s|\n/)[0]!.replace(/\.$/, '');
  return sentence.length > 80 ? `${sentence.slice(0, 77)}...` : sentence;
}

/** The pattern with capture group `n` (1-based, named groups counted) as its only capture group. */
export function keepOnlyGroup(pattern: string, n: number): string {
  let out = '';
  let group = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
      continue;
    }
    if (c === '(') {
      const named = /^\(\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(pattern.slice(i, i + 40));
      if (named !== null) {
        group++;
        out += group === n ? '(' : '(?:';
        i += named[0].length - 1;
        continue;
      }
      if (pattern[i + 1] === '?') {
        out += c;
        continue;
      }
      group++;
      out += group === n ? '(' : '(?:';
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * The longest literal (3+ characters) every match of `pattern` must contain, for the prefilter; undefined
 * when the pattern has an alternation or no such literal.
 */
export function deriveKeyword(pattern: string): string | undefined {
  const runs: string[][] = [[]];
  let current = '';
  const flush = () => {
    if (current.length > 0) runs[runs.length - 1]!.push(current);
    current = '';
  };
  const optionalNext = (at: number) => pattern[at] === '?' || pattern[at] === '*' || /^\{0[,}]/.test(pattern.slice(at, at + 3));
  const repeatNext = (at: number) => pattern[at] === '+' || pattern[at] === '{';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    let literal: string | undefined;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      i++;
      if (/[^A-Za-z0-9]/.test(next)) literal = next;
      else {
        flush();
        continue;
      }
    } else if (c === '[') {
      flush();
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') {
        if (pattern[i] === '\\') i++;
        i++;
      }
      if (optionalNext(i + 1)) i++;
      continue;
    } else if (c === '|') {
      return undefined;
    } else if (c === '{' && /^\{\d+(?:,\d*)?\}/.test(pattern.slice(i, i + 12))) {
      flush();
      i = pattern.indexOf('}', i);
      continue;
    } else if (c === '(') {
      flush();
      runs.push([]);
      const flags = /^\(\?[a-zA-Z]*\)/.exec(pattern.slice(i, i + 12));
      if (flags !== null) {
        runs.pop();
        i += flags[0].length - 1;
      } else if (pattern[i + 1] === '?') {
        const skip = /^\(\?(?:P?<[A-Za-z_][A-Za-z0-9_]*>|[a-zA-Z]*:)/.exec(pattern.slice(i, i + 40));
        if (skip !== null) i += skip[0].length - 1;
      }
      continue;
    } else if (c === ')') {
      flush();
      const inner = runs.pop() ?? [];
      if (runs.length === 0) runs.push([]);
      if (!optionalNext(i + 1)) runs[runs.length - 1]!.push(...inner);
      continue;
    } else if (/[A-Za-z0-9_\-:=@#/,;'" <>!%&~`]/.test(c)) {
      literal = c;
    } else {
      flush();
      continue;
    }
    if (optionalNext(i + 1)) {
      flush();
      continue;
    }
    current += literal;
    if (repeatNext(i + 1)) flush();
  }
  flush();
  const all = runs.flat().filter((run) => run.trim().length >= 3);
  if (all.length === 0) return undefined;
  return all.sort((a, b) => b.length - a.length)[0]!.toLowerCase();
}

type FieldKind = 'string' | 'number' | 'boolean' | 'strings' | 'table' | 'tables';

const ALLOWLIST_FIELDS: Record<string, FieldKind> = {
  description: 'string', condition: 'string', regexTarget: 'string', regexes: 'strings', paths: 'strings', stopwords: 'strings', commits: 'strings', targetRules: 'strings',
};
const RULE_FIELDS: Record<string, FieldKind> = {
  id: 'string', description: 'string', regex: 'string', secretGroup: 'number', entropy: 'number', keywords: 'strings', path: 'string', tags: 'strings', allowlist: 'table', allowlists: 'tables',
};

function kindOf(value: unknown, kind: FieldKind): boolean {
  const isTable = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'strings':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'table':
      return isTable(value);
    case 'tables':
      return Array.isArray(value) && value.every(isTable);
  }
}

const KIND_TEXT: Record<FieldKind, string> = { string: 'a string', number: 'a number', boolean: 'true or false', strings: 'an array of strings', table: 'a table', tables: 'an array of tables' };

/**
 * TOML types are whatever the file says: `keywords = "acme_"` or `secretGroup = "2"` must be a config error
 * naming the rule and field, not a crash deep in the import.
 */
function checkShape(config: GitleaksConfig, file: string): void {
  const check = (where: string, table: Record<string, unknown>, fields: Record<string, FieldKind>) => {
    for (const [field, kind] of Object.entries(fields)) {
      const value = table[field];
      if (value !== undefined && !kindOf(value, kind)) throw new ConfigError(file, `${where}: ${field} must be ${KIND_TEXT[kind]}`);
    }
  };
  const root = config as unknown as Record<string, unknown>;
  check('the file', root, { extend: 'table', rules: 'tables', allowlist: 'table', allowlists: 'tables' });
  if (config.extend !== undefined) check('[extend]', config.extend as Record<string, unknown>, { useDefault: 'boolean', path: 'string', disabledRules: 'strings' });
  (config.rules ?? []).forEach((rule, index) => {
    const where = `[[rules]] ${index + 1}${typeof rule.id === 'string' ? ` (id ${JSON.stringify(rule.id)})` : ''}`;
    check(where, rule as Record<string, unknown>, RULE_FIELDS);
    if (rule.allowlist !== undefined) check(`${where} allowlist`, rule.allowlist as Record<string, unknown>, ALLOWLIST_FIELDS);
    (rule.allowlists ?? []).forEach((list, n) => check(`${where} allowlists ${n + 1}`, list as Record<string, unknown>, ALLOWLIST_FIELDS));
  });
  if (config.allowlist !== undefined) check('[allowlist]', config.allowlist as Record<string, unknown>, ALLOWLIST_FIELDS);
  (config.allowlists ?? []).forEach((list, n) => check(`[[allowlists]] ${n + 1}`, list as Record<string, unknown>, ALLOWLIST_FIELDS));
}
