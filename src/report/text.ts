import type { CommitInfo, Finding } from '../engine/finding.js';
import type { Severity } from '../rules/types.js';
import { formatBytes } from '../scan/scan-file.js';
import { escapeControl } from './escape.js';
import type { Report } from './types.js';

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

/** Readable output, grouped by file (history: one block per secret), then a one-line summary. */
export function formatText(report: Report, options: TextOptions): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}\x1b[0m` : text);
  if (report.findings.some((finding) => finding.occurrenceCount !== undefined)) return formatIncidents(report, paint);
  const groups = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    const key = escapeControl(finding.commit ? `${finding.path} @ ${finding.commit.sha.slice(0, 12)}` : finding.path);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    group.push(finding);
  }
  const lines: string[] = [];
  for (const [key, findings] of groups) {
    lines.push(paint('\x1b[1m', key));
    const first = findings[0]!;
    if (first.commit) {
      lines.push(`  ${paint('\x1b[2m', commitLine(first.commit))}`);
    }
    for (const finding of findings) {
      const where = `${finding.line}:${finding.column}`.padEnd(9);
      const severity = paint(SEVERITY_COLOR[finding.severity], finding.severity.padEnd(8));
      const status = finding.verification === 'unverified' ? '' : `  [${finding.verification}]`;
      const decoded = finding.decoded ? `  (decoded: ${finding.decoded.join(' > ')})` : '';
      lines.push(`  ${where} ${severity} ${finding.ruleId}  ${finding.secret}${status}${decoded}`);
      if (finding.appearanceCount !== undefined && finding.appearanceCount > 1) {
        lines.push(`  ${' '.repeat(9)} also in ${finding.appearanceCount - 1} other commit/path pair(s)`);
      }
    }
    lines.push('');
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
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
    const verification = finding.verification === 'unverified' ? '' : `  [${finding.verification}]`;
    const decoded = finding.decoded ? `  (decoded: ${finding.decoded.join(' > ')})` : '';
    const status = finding.status === undefined ? '' : `  ${paint(finding.status === 'present' ? '\x1b[1m' : '\x1b[2m', finding.status)}`;
    lines.push(`${severity} ${paint('\x1b[1m', finding.ruleId)}  ${finding.secret}${status}${verification}${decoded}`);
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

export function summaryLine(report: Report): string {
  const { stats } = report;
  const counts = SEVERITY_ORDER.map((severity) => [severity, report.findings.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  const files = new Set(report.findings.map((f) => f.path)).size;
  const head =
    report.findings.length === 0
      ? 'no secrets found'
      : `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${counts.join(', ')}) in ${files} file${files === 1 ? '' : 's'}`;
  const scanned = stats.blobsScanned > 0 ? `${stats.blobsScanned} blobs` : `${stats.filesScanned} files`;
  const skipped = [
    stats.filesBinary > 0 ? `${stats.filesBinary} binary` : '',
    stats.filesTooLarge > 0 ? `${stats.filesTooLarge} over the size limit` : '',
    stats.filesUnreadable > 0 ? `${stats.filesUnreadable} unreadable` : '',
  ].filter(Boolean);
  return `${head}; scanned ${scanned}, ${formatBytes(stats.bytesScanned)} in ${(report.durationMs / 1000).toFixed(2)} s${skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : ''}`;
}
