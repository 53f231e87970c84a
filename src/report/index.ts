import { formatJson, formatJsonl } from './json.js';
import { formatText } from './text.js';
import type { Format, Report } from './types.js';

/**
 * A report in `format`. SARIF and HTML load only when asked for: a pre-commit hook prints text and should
 * not pay for the others (src/report/all.ts has a synchronous `formatReport` for library callers).
 */
export async function renderReport(report: Report, format: Format, options: { color: boolean }): Promise<string> {
  if (format === 'sarif') return (await import('./sarif.js')).formatSarif(report);
  if (format === 'html') return (await import('./html.js')).formatHtml(report);
  return formatPlain(report, format, options);
}

/** The formats every scan can print without loading more code: text, JSON and JSONL. */
export function formatPlain(report: Report, format: Exclude<Format, 'sarif' | 'html'>, options: { color: boolean }): string {
  if (format === 'json') return formatJson(report);
  if (format === 'jsonl') return formatJsonl(report);
  return formatText(report, options);
}

export type { Format, Report, ScanKind } from './types.js';
export { FORMATS } from './types.js';
