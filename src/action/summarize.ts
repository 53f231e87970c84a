/**
 * The GitHub Action's last step: reads the SARIF that `keyward scan` wrote and turns it into step outputs
 * (`findings-count`, `sarif-file`) and a job summary table. Plain data in, files out; no network.
 * Usage: node dist/action/summarize.js SARIF_FILE  (GITHUB_OUTPUT and GITHUB_STEP_SUMMARY from the runner)
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { Log } from 'sarif';
import { escapeControl } from '../report/escape.js';

export interface ActionSummary {
  count: number;
  markdown: string;
}

export function summarizeSarif(log: Log, title: string): ActionSummary {
  const rows: string[] = [];
  let count = 0;
  for (const run of log.runs) {
    const rules = run.tool.driver.rules ?? [];
    for (const result of run.results ?? []) {
      count++;
      if (rows.length >= 200) continue;
      const rule = result.ruleIndex === undefined ? undefined : rules[result.ruleIndex];
      const location = result.locations?.[0]?.physicalLocation;
      const path = decodeURIComponent(location?.artifactLocation?.uri ?? '?');
      const line = location?.region?.startLine ?? '?';
      const properties = (result.properties ?? {}) as Record<string, unknown>;
      const commit = typeof properties['commit'] === 'string' ? ` @ ${properties['commit'].slice(0, 12)}` : '';
      rows.push(`| ${String(properties['severity'] ?? result.level)} | \`${result.ruleId}\` | ${escapeCell(rule?.shortDescription?.text ?? '')} | \`${escapeCell(path)}:${line}\`${commit} |`);
    }
  }
  const lines = [`## ${title}`, ''];
  if (count === 0) {
    lines.push('No secrets found.');
  } else {
    lines.push(`${count} finding${count === 1 ? '' : 's'}. Secrets are never shown here; revoke or rotate each key, then remove it.`, '');
    lines.push('| severity | rule | what | where |', '| --- | --- | --- | --- |', ...rows);
    if (count > rows.length) lines.push('', `…and ${count - rows.length} more in the SARIF file.`);
  }
  return { count, markdown: `${lines.join('\n')}\n` };
}

/** A table cell: control characters escaped (no forged rows or log lines), pipes and backticks defused. */
function escapeCell(text: string): string {
  return escapeControl(text).replace(/\|/g, '\\|').replace(/`/g, "'");
}

/** Appends `name=value` to a GitHub runner file ($GITHUB_OUTPUT), refusing newlines that would forge outputs. */
function appendOutput(file: string, name: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`output ${name} must be one line`);
  appendFileSync(file, `${name}=${value}\n`);
}

function main(argv: string[]): number {
  const sarifFile = argv[0];
  if (sarifFile === undefined) {
    process.stderr.write('usage: summarize SARIF_FILE\n');
    return 2;
  }
  let log: Log;
  try {
    log = JSON.parse(readFileSync(sarifFile, 'utf8')) as Log;
  } catch (error) {
    process.stderr.write(`keyward action: cannot read ${sarifFile}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const summary = summarizeSarif(log, process.env['KEYWARD_SUMMARY_TITLE'] ?? 'keyward secret scan');
  const outputFile = process.env['GITHUB_OUTPUT'];
  if (outputFile) {
    appendOutput(outputFile, 'findings-count', String(summary.count));
    appendOutput(outputFile, 'sarif-file', sarifFile);
  }
  const summaryFile = process.env['GITHUB_STEP_SUMMARY'];
  if (summaryFile) appendFileSync(summaryFile, summary.markdown);
  process.stdout.write(summary.markdown);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  process.exitCode = main(process.argv.slice(2));
}
