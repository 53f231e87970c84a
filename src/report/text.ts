import type { Finding } from '../engine/finding.js';
import type { Severity } from '../rules/types.js';
import { formatBytes } from '../scan/scan-file.js';
import { escapeControl } from './escape.js';
import type { Report } from './types.js';
import { describeValidation } from './validation.js';

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

/** Readable output, grouped by file (or by commit and path in history scans), then a one-line summary. */
export function formatText(report: Report, options: TextOptions): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}\x1b[0m` : text);
  const groups = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    const key = finding.commit ? `${finding.path} @ ${finding.commit.sha.slice(0, 12)}` : finding.path;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    group.push(finding);
  }
  const lines: string[] = [];
  for (const [key, findings] of groups) {
    lines.push(paint('\x1b[1m', escapeControl(key)));
    const first = findings[0]!;
    if (first.commit) {
      lines.push(`  ${paint('\x1b[2m', escapeControl(`commit ${first.commit.sha.slice(0, 12)} by ${first.commit.authorName} <${first.commit.authorEmail}> on ${first.commit.date}: ${first.commit.subject}`))}`);
    }
    if (first.layer) lines.push(`  ${paint('\x1b[2m', layerLine(first.layer))}`);
    for (const finding of findings) {
      const where = `${finding.line}:${finding.column}`.padEnd(9);
      const severity = paint(SEVERITY_COLOR[finding.severity], finding.severity.padEnd(8));
      const status = finding.verification === 'unverified' ? '' : `  [${describeValidation(finding) ?? finding.verification}]`;
      const decoded = finding.decoded ? `  (decoded: ${finding.decoded.join(' > ')})` : '';
      const parts = finding.parts ? `  (with ${Object.entries(finding.parts).map(([name, value]) => `${name} ${value}`).join(', ')})` : '';
      lines.push(`  ${where} ${severity} ${finding.ruleId}  ${escapeControl(finding.secret)}${escapeControl(parts)}${status}${decoded}`);
      if (finding.appearanceCount !== undefined && finding.appearanceCount > 1) {
        lines.push(`  ${' '.repeat(9)} also in ${finding.appearanceCount - 1} other commit/path pair(s)`);
      }
    }
    lines.push('');
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
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
  const opened = (stats.archivesOpened ?? 0) > 0 ? ` (with the members of ${stats.archivesOpened} archive${stats.archivesOpened === 1 ? '' : 's'})` : '';
  const scanned = `${stats.blobsScanned > 0 ? `${stats.blobsScanned} blobs` : `${stats.filesScanned} files`}${opened}`;
  const skipped = [
    stats.filesBinary > 0 ? `${stats.filesBinary} binary` : '',
    stats.filesTooLarge > 0 ? `${stats.filesTooLarge} over the size limit` : '',
    stats.filesUnreadable > 0 ? `${stats.filesUnreadable} unreadable` : '',
    (stats.archivesSkipped ?? 0) > 0 ? `${stats.archivesSkipped} archive${stats.archivesSkipped === 1 ? '' : 's'} (--no-archives)` : '',
  ].filter(Boolean);
  return `${head}; scanned ${scanned}, ${formatBytes(stats.bytesScanned)} in ${(report.durationMs / 1000).toFixed(2)} s${skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : ''}${report.ruleSet === undefined ? '' : `; rules: ${report.ruleSet}`}`;
}
