import { formatHtml } from './html.js';
import { formatJson, formatJsonl } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { Format, Report } from './types.js';

/** A report in `format`, synchronously, with every reporter loaded (the library's entry point). */
export function formatReport(report: Report, format: Format, options: { color: boolean }): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'jsonl':
      return formatJsonl(report);
    case 'sarif':
      return formatSarif(report);
    case 'text':
      return formatText(report, options);
    case 'html':
      return formatHtml(report);
  }
}
