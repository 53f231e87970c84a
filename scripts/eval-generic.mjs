#!/usr/bin/env node
// Scores the built scanner on the labelled generic-credential set (fixtures/generic/): precision, recall and
// F1 per half and per syntax family. Only the tune half's misses and false positives are listed; the holdout
// half is reported as aggregates, so tuning never sees its cases.
//
//   node scripts/eval-generic.mjs [--split tune|holdout|both] [--json] [--root DIR]
//
// Each half is copied to a temp folder and scanned there by the built CLI with its defaults (built-in rules,
// default confidence floor): paths are then what a user's repository would show (`app/settings.py`, not
// `fixtures/generic/tune/app/settings.py`), and this repository's own config, which allowlists fixtures/,
// does not apply.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO_ROOT, 'bin', 'keyward.js');
const SPLITS = ['tune', 'holdout'];
export const FAMILIES = ['code-assignment', 'config', 'command-line', 'http-header', 'connection-string', 'jwt', 'url-userinfo', 'key-value-other'];
/** Findings on lines nobody labelled: ordinary content, so every one is a false positive. */
const UNLABELLED = 'unlabelled';
/** Files of a half that are about the set, not part of it. */
const NOT_SCANNED = new Set(['labels.jsonl', 'README.md']);

class UsageError extends Error {}

function parseArgs(argv) {
  const args = { split: 'both', json: false, root: join(REPO_ROOT, 'fixtures', 'generic') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--split') {
      args.split = value();
      if (![...SPLITS, 'both'].includes(args.split)) throw new UsageError(`--split must be tune, holdout or both, not '${args.split}'`);
    } else if (flag === '--json') args.json = true;
    else if (flag === '--root') args.root = value();
    else throw new UsageError(`unknown argument '${arg}'`);
  }
  return args;
}

/** Reads and checks one half's labels; a bad label is a one-line error naming labels.jsonl, its line and field. */
export function readLabels(halfDir) {
  const file = join(halfDir, 'labels.jsonl');
  if (!existsSync(file)) throw new UsageError(`${file}: missing (each half needs its labels.jsonl)`);
  const labels = [];
  const seen = new Set();
  const lineCounts = new Map();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '') return;
      const where = `${relative(process.cwd(), file) || file}:${index + 1}`;
      let label;
      try {
        label = JSON.parse(text);
      } catch (error) {
        throw new UsageError(`${where}: not JSON (${error.message})`);
      }
      if (typeof label.file !== 'string' || label.file === '') throw new UsageError(`${where}: field 'file' must be a path`);
      if (!Number.isInteger(label.line) || label.line < 1) throw new UsageError(`${where}: field 'line' must be a positive integer, not ${JSON.stringify(label.line)}`);
      if (label.label !== 'secret' && label.label !== 'none') throw new UsageError(`${where}: field 'label' must be "secret" or "none", not ${JSON.stringify(label.label)}`);
      if (!FAMILIES.includes(label.family)) throw new UsageError(`${where}: field 'family' must be one of ${FAMILIES.join(', ')}, not ${JSON.stringify(label.family)}`);
      if (label.label === 'secret' && (typeof label.secret !== 'string' || label.secret === '')) throw new UsageError(`${where}: field 'secret' is required for a positive`);
      let lines = lineCounts.get(label.file);
      if (lines === undefined) {
        const path = join(halfDir, label.file);
        if (!existsSync(path)) throw new UsageError(`${where}: field 'file': ${label.file} does not exist`);
        lines = readFileSync(path, 'utf8').split('\n').length;
        lineCounts.set(label.file, lines);
      }
      if (label.line > lines) throw new UsageError(`${where}: field 'line': ${label.file} has only ${lines} lines, not ${label.line}`);
      const key = `${label.file}:${label.line}`;
      if (seen.has(key)) throw new UsageError(`${where}: ${key} is labelled twice`);
      seen.add(key);
      labels.push(label);
    });
  return labels;
}

/** Scans a copy of the half with the built CLI; returns its findings (secrets in full: the data is fake). */
function scanHalf(halfDir) {
  const work = mkdtempSync(join(tmpdir(), 'keyward-eval-'));
  try {
    cpSync(halfDir, work, { recursive: true, filter: (src) => !(NOT_SCANNED.has(basename(src)) && join(halfDir, basename(src)) === src) });
    const result = spawnSync(process.execPath, [CLI, 'scan', '.', '--format', 'json', '--no-redact', '--quiet'], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', HOME: work, NO_COLOR: '1' },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    if (result.status !== 0 && result.status !== 1) {
      throw new UsageError(`keyward scan of ${halfDir} failed (exit ${result.status}): ${String(result.stderr).trim().split('\n')[0] ?? ''}`);
    }
    return JSON.parse(result.stdout).findings;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function ratio(numerator, denominator) {
  return denominator === 0 ? null : numerator / denominator;
}

function score(counts) {
  const precision = ratio(counts.tp, counts.tp + counts.fp);
  const recall = ratio(counts.tp, counts.tp + counts.fn);
  const f1 = precision === null || recall === null || precision + recall === 0 ? (precision === null || recall === null ? null : 0) : (2 * precision * recall) / (precision + recall);
  return { ...counts, precision, recall, f1 };
}

/**
 * Line-level scoring. A labelled positive is found when a finding's span covers its line, or when a finding
 * on an unlabelled line of the same file carries its expected secret (a scanner may report a multi-line
 * value where it starts). Every other line with a finding is one false positive, counted once however many
 * rules fired on it.
 */
export function evaluate(labels, findings) {
  const byFile = new Map();
  for (const finding of findings) {
    const list = byFile.get(finding.path) ?? [];
    list.push(finding);
    byFile.set(finding.path, list);
  }
  const labelAt = new Map(labels.map((label) => [`${label.file}:${label.line}`, label]));
  const found = new Set();
  const explained = new Set();
  for (const label of labels) {
    if (label.label !== 'secret') continue;
    for (const finding of byFile.get(label.file) ?? []) {
      const covers = finding.line <= label.line && label.line <= (finding.endLine ?? finding.line);
      const secretMatch = !labelAt.has(`${finding.path}:${finding.line}`) && typeof finding.secret === 'string' && finding.secret.includes(label.secret);
      if (covers || secretMatch) {
        found.add(label);
        explained.add(finding);
      }
    }
  }
  const empty = () => ({ positives: 0, negatives: 0, tp: 0, fn: 0, fp: 0, tn: 0 });
  const families = Object.fromEntries([...FAMILIES, UNLABELLED].map((family) => [family, empty()]));
  const overall = empty();
  const misses = [];
  const falsePositives = [];
  const fpLines = new Map();
  for (const finding of findings) {
    if (explained.has(finding)) continue;
    const key = `${finding.path}:${finding.line}`;
    const entry = fpLines.get(key) ?? { file: finding.path, line: finding.line, ruleIds: new Set(), label: labelAt.get(key) };
    entry.ruleIds.add(finding.ruleId);
    fpLines.set(key, entry);
  }
  for (const label of labels) {
    const family = families[label.family];
    const key = `${label.file}:${label.line}`;
    if (label.label === 'secret') {
      family.positives++;
      overall.positives++;
      if (found.has(label)) {
        family.tp++;
        overall.tp++;
      } else {
        family.fn++;
        overall.fn++;
        misses.push({ file: label.file, line: label.line, family: label.family, ...(label.note === undefined ? {} : { note: label.note }) });
      }
    } else {
      family.negatives++;
      overall.negatives++;
      if (!fpLines.has(key)) {
        family.tn++;
        overall.tn++;
      }
    }
  }
  for (const entry of fpLines.values()) {
    // A positive line with an extra finding elsewhere on it is still found; only other lines are false positives.
    if (entry.label?.label === 'secret') continue;
    const family = entry.label === undefined ? UNLABELLED : entry.label.family;
    families[family].fp++;
    overall.fp++;
    falsePositives.push({
      file: entry.file,
      line: entry.line,
      family,
      ruleIds: [...entry.ruleIds].sort(),
      ...(entry.label?.note === undefined ? {} : { note: entry.label.note }),
    });
  }
  const byPlace = (a, b) => a.file.localeCompare(b.file) || a.line - b.line;
  return {
    overall: score(overall),
    families: Object.fromEntries(Object.entries(families).map(([name, counts]) => [name, score(counts)])),
    misses: misses.sort(byPlace),
    falsePositives: falsePositives.sort(byPlace),
  };
}

const fmt = (value) => (value === null ? '   -' : value.toFixed(3));

function printHalf(name, result, listCases) {
  const rows = [['family', 'pos', 'neg', 'tp', 'fn', 'fp', 'precision', 'recall', 'f1']];
  const row = (label, s) => [label, s.positives, s.negatives, s.tp, s.fn, s.fp, fmt(s.precision), fmt(s.recall), fmt(s.f1)].map(String);
  for (const [family, s] of Object.entries(result.families)) {
    if (s.positives + s.negatives + s.fp > 0) rows.push(row(family, s));
  }
  rows.push(row('all', result.overall));
  const widths = rows[0].map((_, column) => Math.max(...rows.map((r) => r[column].length)));
  console.log(`\n${name}: precision ${fmt(result.overall.precision)}  recall ${fmt(result.overall.recall)}  F1 ${fmt(result.overall.f1)}`);
  for (const r of rows) console.log('  ' + r.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
  if (!listCases) return;
  console.log(`\n  misses (${result.misses.length}):`);
  for (const m of result.misses) console.log(`    ${m.file}:${m.line}  ${m.family}${m.note ? `  (${m.note})` : ''}`);
  console.log(`\n  false positives (${result.falsePositives.length}):`);
  for (const f of result.falsePositives) console.log(`    ${f.file}:${f.line}  ${f.family}  ${f.ruleIds.join(',')}${f.note ? `  (${f.note})` : ''}`);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(REPO_ROOT, 'dist', 'index.js'))) throw new UsageError('dist/ is missing: run npm run build first (npm run eval:generic does)');
  const splits = args.split === 'both' ? SPLITS : [args.split];
  const report = {};
  for (const split of splits) {
    const dir = join(args.root, split);
    if (!existsSync(dir)) throw new UsageError(`${dir}: no such half`);
    const labels = readLabels(dir);
    const result = evaluate(labels, scanHalf(dir));
    // The holdout half is scored, never shown case by case.
    report[split] = split === 'tune' ? result : { overall: result.overall, families: result.families };
  }
  if (args.json) {
    console.log(JSON.stringify({ splits: report }, null, 2));
    return;
  }
  for (const split of splits) printHalf(split, report[split], split === 'tune');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`eval-generic: ${error.message}`);
    process.exitCode = 2;
  }
}
