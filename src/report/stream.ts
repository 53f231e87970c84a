import { safeJson } from './escape.js';
/**
 * Reporters that print as findings arrive, for the formats that allow it (text and JSONL): on a big scan the
 * first finding shows at once, and no list of findings is kept. JSON and SARIF are one document each, so
 * they collect (src/report/index.ts).
 */
import type { Finding } from '../engine/finding.js';
import { findingToJson } from './json.js';
import { addToTally, emptyTally, summaryLine, textPrinter } from './text.js';
import type { Format, Report } from './types.js';

export interface StreamingReporter {
  finding(finding: Finding): void;
  /** The end of the report (the text summary); `report.findings` may be empty, the tally is kept here. */
  finish(report: Report): void;
  /** The one-line summary, counted from what streamed. */
  summary(report: Report): string;
  readonly count: number;
}

export const STREAMING_FORMATS: readonly Format[] = ['text', 'jsonl'];

export function streamingReporter(format: Format, write: (text: string) => void, options: { color: boolean }): StreamingReporter {
  const tally = emptyTally();
  if (format === 'jsonl') {
    return {
      finding(finding) {
        addToTally(tally, finding);
        write(`${safeJson(findingToJson(finding))}\n`);
      },
      finish() {},
      summary: (report) => summaryLine(report, tally),
      get count() {
        return tally.total;
      },
    };
  }
  if (format !== 'text') throw new Error(`${format} cannot stream`);
  const printer = textPrinter(options);
  return {
    finding(finding) {
      addToTally(tally, finding);
      write(`${printer.finding(finding).join('\n')}\n`);
    },
    finish(report) {
      const end = printer.end();
      write(`${[...end, summaryLine(report, tally)].join('\n')}\n`);
    },
    summary: (report) => summaryLine(report, tally),
    get count() {
      return tally.total;
    },
  };
}
