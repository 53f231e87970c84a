import type { CommitInfo, Finding } from '../engine/finding.js';
import type { Severity } from '../rules/types.js';
import { escapeControl } from './escape.js';
import { formatBytes, plural } from '../units.js';
import type { Report } from './types.js';
import { describeVerification } from './validation.js';

export interface TextOptions {
  color: boolean;
}

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};

function layerLine(layer: NonNullable<Finding['layer']>): string {
  const made = layer.createdBy === undefined ? '' : `, made by: ${layer.createdBy.length > 120 ? `${layer.createdBy.slice(0, 119)}…` : layer.createdBy}`;
  return `image ${layer.image}, layer ${layer.index} ${layer.digest}${made}${layer.deleted ? '; deleted by a later layer, still in the image' : ''}`;
}

/** Readable output, grouped by file (history: one block per secret), then a one-line summary. */
export function formatText(report: Report, options: TextOptions): string {
  if (report.findings.some((finding) => finding.occurrenceCount !== undefined)) {
    return formatIncidents(report, (code, text) => (options.color ? `${code}${text}\x1b[0m` : text));
  }
  const printer = textPrinter(options);
  const lines: string[] = [];
  for (const finding of report.findings) lines.push(...printer.finding(finding));
  lines.push(...printer.end(), summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/**
 * The text layout one finding at a time, for the collecting formatter and the streaming sink alike: a header
 * whenever the file (or commit and path) changes, a blank line after each group.
 */
export function textPrinter(options: TextOptions): { finding(finding: Finding): string[]; end(): string[] } {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}\x1b[0m` : text);
  let group: string | undefined;
  return {
    finding(finding) {
      const lines: string[] = [];
      const key = finding.commit ? `${finding.path} @ ${finding.commit.sha.slice(0, 12)}` : finding.path;
      if (key !== group) {
        if (group !== undefined) lines.push('');
        group = key;
        lines.push(paint('\x1b[1m', escapeControl(key)));
        if (finding.commit) {
          lines.push(`  ${paint('\x1b[2m', commitLine(finding.commit))}`);
        }
        if (finding.layer) lines.push(`  ${paint('\x1b[2m', escapeControl(layerLine(finding.layer)))}`);
      }
      const where = `${finding.line}:${finding.column}`.padEnd(9);
      const severity = paint(SEVERITY_COLOR[finding.severity], finding.severity.padEnd(8));
      const status = finding.verification.status === 'unverified' ? '' : `  [${escapeControl(describeVerification(finding.verification))}]`;
      const decoded = finding.decoded ? `  (decoded: ${finding.decoded.join(' > ')})` : '';
      const parts = finding.parts ? `  (with ${Object.entries(finding.parts).map(([name, value]) => `${name} ${value}`).join(', ')})` : '';
      lines.push(`  ${where} ${severity} ${finding.ruleId}  ${escapeControl(finding.secret)}${escapeControl(parts)}${status}${decoded}`);
      if (finding.appearanceCount !== undefined && finding.appearanceCount > 1) {
        lines.push(`  ${' '.repeat(9)} also in ${finding.appearanceCount - 1} other commit/path pair(s)`);
      }
      return lines;
    },
    end: () => (group === undefined ? [] : ['']),
  };
}

function commitLine(commit: CommitInfo): string {
  return `commit ${commit.sha.slice(0, 12)} by ${escapeControl(commit.authorName)} <${escapeControl(commit.authorEmail)}> on ${commit.date}: ${escapeControl(commit.subject)}`;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const LISTED_PLACES = 5;

/** History: one block per secret, most severe first, then by when it arrived. */
function formatIncidents(report: Report, paint: (code: string, text: string) => string): string {
  const ordered = [...report.findings].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || dateOf(a) - dateOf(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line),
  );
  const lines: string[] = [];
  for (const finding of ordered) {
    const severity = paint(SEVERITY_COLOR[finding.severity], finding.severity.padEnd(8));
    const verification = finding.verification.status === 'unverified' ? '' : `  [${escapeControl(describeVerification(finding.verification))}]`;
    const decoded = finding.decoded ? `  (decoded: ${finding.decoded.join(' > ')})` : '';
    const status = finding.status === undefined ? '' : `  ${paint(finding.status === 'present' ? '\x1b[1m' : '\x1b[2m', finding.status)}`;
    const parts = finding.parts ? `  (with ${Object.entries(finding.parts).map(([name, value]) => `${name} ${value}`).join(', ')})` : '';
    lines.push(`${severity} ${paint('\x1b[1m', finding.ruleId)}  ${escapeControl(finding.secret)}${escapeControl(parts)}${status}${verification}${decoded}`);
    lines.push(`  at          ${escapeControl(finding.path)}:${finding.line}:${finding.column}`);
    const introduced = finding.introduced?.commit ?? finding.commit;
    if (introduced !== undefined) lines.push(`  introduced  ${paint('\x1b[2m', commitLine(introduced))}`);
    if (finding.presentIn !== undefined && finding.presentIn.length > 0) {
      lines.push(`  present in  ${listed(finding.presentIn.map((entry) => `${entry.ref} (${entry.path})`))}`);
    }
    for (const removal of finding.removedIn ?? []) {
      const by = removal.commit === undefined ? 'by a merge or a commit outside the scanned history' : `by ${commitLine(removal.commit)}`;
      lines.push(`  removed     from ${escapeControl(removal.ref)} ${by}`);
    }
    const count = finding.occurrenceCount ?? 0;
    const paths = [...new Set((finding.occurrences ?? []).map((occurrence) => occurrence.path))];
    lines.push(`  seen        ${count} time${count === 1 ? '' : 's'}${paths.length > 0 ? ` at ${listed(paths)}` : ''}`);
    if (finding.refs !== undefined && finding.refs.length > 0) lines.push(`  refs        ${listed(finding.refs)}`);
    lines.push('');
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

function dateOf(finding: Finding): number {
  const date = finding.introduced?.commit.date ?? finding.commit?.date;
  const time = date === undefined ? NaN : Date.parse(date);
  return Number.isNaN(time) ? Number.MAX_SAFE_INTEGER : time;
}

function listed(items: string[]): string {
  const shown = items.slice(0, LISTED_PLACES).map(escapeControl).join(', ');
  return items.length > LISTED_PLACES ? `${shown} and ${items.length - LISTED_PLACES} more` : shown;
}

/** What a summary needs to know of the findings: counts, not the findings themselves (a stream keeps no list). */
export interface FindingTally {
  total: number;
  bySeverity: Partial<Record<Severity, number>>;
  paths: Set<string>;
}

export function emptyTally(): FindingTally {
  return { total: 0, bySeverity: {}, paths: new Set() };
}

export function addToTally(tally: FindingTally, finding: Finding): void {
  tally.total++;
  tally.bySeverity[finding.severity] = (tally.bySeverity[finding.severity] ?? 0) + 1;
  tally.paths.add(finding.path);
}

export function summaryLine(report: Report, tally?: FindingTally): string {
  const { stats } = report;
  const counted = tally ?? report.findings.reduce((sum, finding) => (addToTally(sum, finding), sum), emptyTally());
  const counts = SEVERITY_ORDER.map((severity) => [severity, counted.bySeverity[severity] ?? 0] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  const files = counted.paths.size;
  const recorded = report.baselineRecorded;
  const head =
    counted.total > 0
      ? `${plural(counted.total, 'finding')} (${counts.join(', ')}) in ${plural(files, 'file')}`
      : recorded !== undefined
        ? `recorded ${plural(recorded.count, 'finding')} in baseline ${recorded.file}`
        : 'no secrets found';
  const opened = (stats.archivesOpened ?? 0) > 0 ? ` (with the members of ${plural(stats.archivesOpened, 'archive')})` : '';
  const scanned = `${stats.blobsScanned > 0 ? plural(stats.blobsScanned, 'blob') : plural(stats.filesScanned, 'file')}${opened}`;
  const skipped = [
    stats.filesBinary > 0 ? `${stats.filesBinary} binary` : '',
    stats.filesTooLarge > 0 ? `${stats.filesTooLarge} over the size limit` : '',
    stats.filesUnreadable > 0 ? `${stats.filesUnreadable} unreadable` : '',
    (stats.archivesSkipped ?? 0) > 0 ? `${plural(stats.archivesSkipped, 'archive')} (--no-archives)` : '',
    stats.pathsIgnored > 0 ? `${stats.pathsIgnored} ignored` : '',
    stats.symlinksSkipped > 0 ? plural(stats.symlinksSkipped, 'symlink') : '',
    (stats.fifosSkipped ?? 0) > 0 ? plural(stats.fifosSkipped, 'FIFO or device', 'FIFOs or devices') : '',
  ].filter(Boolean);
  return `${head}; scanned ${scanned}, ${formatBytes(stats.bytesScanned)} in ${(report.durationMs / 1000).toFixed(2)} s${skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : ''}${report.ruleSet === undefined ? '' : `; rules: ${report.ruleSet}`}`;
}
