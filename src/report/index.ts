import { formatJson, formatJsonl } from './json.js';
import { formatText } from './text.js';
import type { Format, Report } from './types.js';

/**
 * A report in `format`. SARIF and HTML load only when asked for: a pre-commit hook prints text and should
 * not pay for the others (src/report/all.ts has a synchronous `formatReport` for library callers).
 */
export async function renderReport(report: Report, format: Format, options: { color: boolean }): Promise<string> {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'jsonl':
      return formatJsonl(report);
    case 'sarif':
      return (await import('./sarif.js')).formatSarif(report);
    case 'text':
      return formatText(report, options);
    case 'html':
      return (await import('./html.js')).formatHtml(report);
  }
}

export type { Format, Report, ScanKind } from './types.js';
export { FORMATS } from './types.js';
