/**
 * keyward's scan as a library function: config → source → scan → attribution and history grouping →
 * commit allowlists and baseline → verification → report. The CLI builds ScanOptions from its flags, calls
 * `scan`, and maps the result to an exit code; a library caller does the same without a terminal.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_BASELINE_NAME } from './baseline-file.js';
import { baselineKey, entryOf, readBaseline, type BaselineEntry } from '../baseline/index.js';
import { countDrop } from '../engine/detect.js';
import type { Finding } from '../engine/finding.js';
import { renderReport } from '../report/index.js';
import { summaryLine } from '../report/text.js';
import { STREAMING_FORMATS, streamingReporter, type StreamingReporter } from '../report/stream.js';
import type { Format, Report } from '../report/types.js';
import { CREDENTIAL_FILE_RULES } from '../engine/file-rules.js';
import { ruleMeta } from '../rules/types.js';
import { Scanner } from '../scan/run.js';
import type { ScanSink } from '../scan/sink.js';
import { EXPANDERS, SHUT_EXPANDERS } from '../sources/expanders.js';
import { openSource, type SourceRequest } from '../sources/registry.js';
import { nothingScanned, type ScanStats } from '../sources/stats.js';
import type { SourceContext } from '../sources/types.js';
import { plural } from '../units.js';
import { loadRuleSetup, type RuleOptions } from './config.js';
import { dropAllowlistedCommits, hideBaselined, recordBaseline, sortFindings } from './stages.js';
import { needsRawSecrets, verifyFindings, type VerifyOptions } from './verify.js';

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

export interface ScanOptions extends RuleOptions {
  /** What to scan: `{ source: 'worktree', options: { paths: ['.'] } }`, `{ source: 'history', options: {} }`, … */
  source: SourceRequest;
  /** Bytes; default: the config's max_file_size, else 10 MB. */
  maxFileSize?: number;
  /** Worker threads; 1 scans on the calling thread. */
  threads?: number;
  /** Open archives (zip, tar, gz, bz2) and scan their members (default true); false counts them instead. */
  archives?: boolean;
  /** Archives inside archives are opened this deep (default 2); 0 opens none. */
  archiveDepth?: number;
  /** Redact secrets in findings (default true). */
  redact?: boolean;
  /** Hide findings recorded in this baseline file. */
  baseline?: string;
  /** Record the findings in this baseline file instead of reporting them (the file is replaced). */
  baselineWrite?: string;
  /** Add the findings to this baseline file (its entries are kept) instead of reporting them. */
  baselineAdd?: string;
  verify?: VerifyOptions;
  /** Write the report as it is made: text and JSONL stream while the scan runs, JSON and SARIF at the end. */
  output?: { format: Format; write(text: string): void; color?: boolean; stream?: boolean };
  /** Each warning as it happens (each distinct one once); all of them are in the report too. */
  onWarning?(message: string): void;
  /** What the scan did beside finding (a baseline written, keys reported). */
  onNotice?(message: string): void;
}

export interface ScanResult {
  report: Report;
  /** Findings reported; when the report streamed, `report.findings` is empty and this is the count. */
  findingCount: number;
  /** Nothing given could be scanned (everything was skipped, missing or unreadable): an input error. */
  nothingScanned: boolean;
  /** The report's one-line summary (what text output ends with). */
  summary: string;
  /** The baseline the scan honoured (named, from the config, or the default file), if any. */
  baselineFile?: string;
}

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const warnings = warningLog(options.onWarning);
  const source = await openSource(options.source);
  const setup = loadRuleSetup(options, source.root ?? process.cwd());
  for (const warning of setup.warnings) warnings.add(warning);
  const redact = options.redact ?? true;
  const maxFileSize = options.maxFileSize ?? setup.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const recording = options.baselineWrite ?? options.baselineAdd;
  const baselineFile = recording === undefined ? (options.baseline ?? setup.baseline ?? defaultBaseline(source.root)) : undefined;
  let baseline: BaselineEntry[] | undefined;
  if (baselineFile !== undefined) {
    if (options.baseline === undefined && setup.baseline !== undefined && !existsSync(setup.baseline)) {
      warnings.add(`the config names baseline ${setup.baseline}, which does not exist yet: nothing is hidden (create it with keyward scan --baseline-add ${setup.baseline})`);
    } else {
      baseline = readBaseline(baselineFile);
    }
  }
  const scanner = new Scanner({
    rules: setup.rules,
    revealSecrets: !redact || needsRawSecrets(options.verify),
    noise: setup.noise,
    maxFileSize,
    expanders: options.archives === false || options.archiveDepth === 0 ? SHUT_EXPANDERS : EXPANDERS,
    ...(options.archiveDepth === undefined || options.archiveDepth === 0 ? {} : { expandDepth: options.archiveDepth }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
  const stats = scanner.stats;
  const context: SourceContext = { maxFileSize, stats, warn: warnings.add };

  // Text and JSONL print as the scan goes, unless a later stage needs every finding first.
  const output = options.output;
  const streams =
    output !== undefined &&
    output.stream !== false &&
    STREAMING_FORMATS.includes(output.format) &&
    source.attribute === undefined &&
    options.verify === undefined &&
    recording === undefined;
  let reporter: StreamingReporter | undefined;
  let findings: Finding[] = [];
  try {
    if (streams) {
      reporter = streamingReporter(output.format, output.write, { color: output.color ?? false });
      const known = new Set((baseline ?? []).map(baselineKey));
      const live = reporter;
      const sink: ScanSink = {
        finding: (finding) => {
          if (known.has(baselineKey(entryOf(finding)))) countDrop(stats, 'baseline', finding.ruleId);
          else live.finding(finding);
        },
        warning: warnings.add,
      };
      await scanner.run(source, sink);
    } else {
      let ahead = false;
      const collect = (finding: Finding) => {
        findings.push(finding);
        if (ahead) return;
        ahead = true;
        source.findingsAhead?.();
      };
      await scanner.run(source, { finding: collect, warning: warnings.add });
    }
  } finally {
    await scanner.close();
  }

  let baselineRecorded: Report['baselineRecorded'];
  if (reporter === undefined) {
    if (source.attribute !== undefined) findings = await source.attribute(findings, context);
    // History grouping slot: see ./group-incidents.ts.
    // History grouping (and the git code it needs) loads only for a history scan.
    findings = source.name === 'history' ? (await import('./group-incidents.js')).groupIncidents(findings) : sortFindings(findings);
    findings = dropAllowlistedCommits(findings, setup.noise, stats);
    if (recording !== undefined) {
      const kept = options.baselineWrite === undefined && existsSync(recording) ? readBaseline(recording) : [];
      const count = recordBaseline(findings, recording, stats, kept);
      options.onNotice?.(`baseline ${recording}: recorded ${plural(findings.length, 'finding')}${kept.length > 0 ? ` (${count} entries in all)` : ''}`);
      baselineRecorded = { file: recording, count: findings.length };
      findings = [];
    } else if (baseline !== undefined) {
      findings = hideBaselined(findings, baseline, stats);
    }
    if (options.verify !== undefined) {
      findings = await verifyFindings(findings, setup.rules, options.verify, { redact, warn: warnings.add, notice: (message) => options.onNotice?.(message) });
    }
  }
  const findingCount = reporter?.count ?? findings.length;
  stats.findings = findingCount;
  const empty = nothingScanned(stats);
  if (empty) warnings.add(`scanned 0 files: everything given was skipped (${skippedText(stats)})${stats.pathsIgnored > 0 ? '; --no-ignore-files scans ignored files too' : ''}`);

  const report: Report = {
    kind: source.name,
    findings,
    rules: [...setup.rules.map(ruleMeta), ...CREDENTIAL_FILE_RULES],
    stats,
    warnings: warnings.all,
    durationMs: performance.now() - started,
    ...(baselineRecorded === undefined ? {} : { baselineRecorded }),
    ruleSet: setup.ruleSet,
  };
  if (output !== undefined) {
    if (reporter !== undefined) reporter.finish(report);
    else output.write(await renderReport(report, output.format, { color: output.color ?? false }));
  }
  return { report, findingCount, nothingScanned: empty, summary: reporter?.summary(report) ?? summaryLine(report), ...(baselineFile === undefined ? {} : { baselineFile }) };
}

function defaultBaseline(root: string | undefined): string | undefined {
  const file = join(root ?? process.cwd(), DEFAULT_BASELINE_NAME);
  return existsSync(file) ? file : undefined;
}

function skippedText(stats: ScanStats): string {
  return [
    stats.pathsIgnored > 0 ? `${stats.pathsIgnored} ignored` : '',
    stats.symlinksSkipped > 0 ? plural(stats.symlinksSkipped, 'symlink') : '',
    stats.fifosSkipped > 0 ? plural(stats.fifosSkipped, 'FIFO or device', 'FIFOs or devices') : '',
    stats.filesTooLarge > 0 ? `${stats.filesTooLarge} over the size limit` : '',
    stats.filesUnreadable > 0 ? `${stats.filesUnreadable} unreadable` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** Each distinct warning once, in order: two parts of a scan that stumble on the same file say it once. */
function warningLog(onWarning: ((message: string) => void) | undefined): { add(message: string): void; all: string[] } {
  const seen = new Set<string>();
  const all: string[] = [];
  return {
    all,
    add(message) {
      if (seen.has(message)) return;
      seen.add(message);
      all.push(message);
      onWarning?.(message);
    },
  };
}
