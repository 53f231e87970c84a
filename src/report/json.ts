import type { Finding } from '../engine/finding.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { Report } from './types.js';

/** The finding as the JSON contract lists it, field by field, so nothing internal leaks into output. */
export function findingToJson(finding: Finding): Record<string, unknown> {
  return {
    ruleId: finding.ruleId,
    name: finding.name,
    severity: finding.severity,
    path: finding.path,
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    secret: finding.secret,
    secretSha256: finding.secretSha256,
    fingerprint: finding.fingerprint,
    verification: finding.verification,
    ...(finding.commit === undefined ? {} : { commit: finding.commit }),
    ...(finding.blob === undefined ? {} : { blob: finding.blob }),
    ...(finding.layer === undefined ? {} : { layer: finding.layer }),
    ...(finding.appearances === undefined ? {} : { appearances: finding.appearances, appearanceCount: finding.appearanceCount }),
    ...(finding.decoded === undefined ? {} : { decoded: finding.decoded }),
  };
}

export function formatJson(report: Report): string {
  return `${JSON.stringify(
    {
      version: 1,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      kind: report.kind,
      findings: report.findings.map(findingToJson),
      stats: { ...report.stats, durationMs: Math.round(report.durationMs) },
      warnings: report.warnings,
    },
    null,
    2,
  )}\n`;
}

export function formatJsonl(report: Report): string {
  return report.findings.map((finding) => `${JSON.stringify(findingToJson(finding))}\n`).join('');
}
