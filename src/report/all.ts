import { formatHtml } from './html.js';
import { formatPlain } from './index.js';
import { formatSarif } from './sarif.js';
import type { Format, Report } from './types.js';

/** A report in `format`, synchronously, with every reporter loaded (the library's entry point). */
export function formatReport(report: Report, format: Format, options: { color: boolean }): string {
  if (format === 'sarif') return formatSarif(report);
  if (format === 'html') return formatHtml(report);
  return formatPlain(report, format, options);
}
