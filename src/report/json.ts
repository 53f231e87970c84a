import { safeJson } from './escape.js';
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
    ...secretHashFields(finding),
    fingerprint: finding.fingerprint,
    verification: { ...finding.verification },
    ...(finding.commit === undefined ? {} : { commit: finding.commit }),
    ...(finding.blob === undefined ? {} : { blob: finding.blob }),
    ...(finding.layer === undefined ? {} : { layer: finding.layer }),
    ...(finding.appearances === undefined ? {} : { appearances: finding.appearances, appearanceCount: finding.appearanceCount }),
    ...(finding.decoded === undefined ? {} : { decoded: finding.decoded }),
    ...(finding.confidence === undefined ? {} : { confidence: finding.confidence, score: finding.score }),
    ...(finding.jwt === undefined ? {} : { jwt: finding.jwt }),
    ...(finding.parts === undefined ? {} : { parts: finding.parts }),
    ...(finding.introduced === undefined ? {} : { introduced: finding.introduced }),
    ...(finding.status === undefined ? {} : { status: finding.status, presentIn: finding.presentIn, removedIn: finding.removedIn }),
    ...(finding.refs === undefined ? {} : { refs: finding.refs }),
    ...(finding.occurrences === undefined ? {} : { occurrenceCount: finding.occurrenceCount, occurrences: finding.occurrences }),
  };
}

/**
 * `secretSha256` only where it is a plain SHA-256 (a high-entropy key: an issuer can match it); a
 * low-entropy secret's hash is `secretHash`, with `secretHashAlgorithm` saying how it was made.
 */
export function secretHashFields(finding: Finding): Record<string, string> {
  return finding.secretHashAlgorithm === 'sha256'
    ? { secretSha256: finding.secretSha256, secretHashAlgorithm: 'sha256' }
    : { secretHash: finding.secretSha256, secretHashAlgorithm: SCRYPT_LABEL };
}

/** The scrypt parameters in the label, so a later change of cost is a new label, not a silent mismatch. */
export const SCRYPT_LABEL = 'scrypt-n4096-r8-p1';

export function formatJson(report: Report): string {
  // --explain's per-candidate lines go to stderr; the JSON contract keeps its counters only.
  const { explained: _explained, ...stats } = report.stats;
  return `${safeJson(
    {
      version: 1,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      kind: report.kind,
      findings: report.findings.map(findingToJson),
      stats: { ...stats, durationMs: Math.round(report.durationMs) },
      warnings: report.warnings,
    },
    2,
  )}\n`;
}

export function formatJsonl(report: Report): string {
  return report.findings.map((finding) => `${safeJson(findingToJson(finding))}\n`).join('');
}
