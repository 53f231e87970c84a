import { safeJson } from './escape.js';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import { contentFingerprintOf, type Finding } from '../engine/finding.js';
import type { RuleMeta, Severity } from '../rules/types.js';
import { TOOL_NAME, TOOL_URI, TOOL_VERSION } from '../version.js';
import { secretHashFields } from './json.js';
import type { Report } from './types.js';
import { describeVerification } from './validation.js';

/** GitHub code scanning drops a run past this many results. */
export const MAX_SARIF_RESULTS = 25_000;

const LEVEL: Record<Severity, Result.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub maps these to critical (>= 9.0), high (>= 7.0), medium (>= 4.0) and low. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

/**
 * SARIF 2.1.0 for GitHub code scanning. Messages name the rule and the secret's hash, never the secret;
 * fingerprints hash content, so an alert survives line moves (and, in history, files that no longer exist).
 */
export function formatSarif(report: Report): string {
  return `${safeJson(toSarif(report), 2)}\n`;
}

export function toSarif(report: Report): Log {
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
  const ordered = [...report.findings].sort(bySeverity);
  const kept = ordered.slice(0, MAX_SARIF_RESULTS);
  const notifications = report.warnings.map((text) => ({ level: 'warning' as const, message: { text } }));
  if (ordered.length > kept.length) {
    notifications.push({
      level: 'warning',
      message: { text: `${ordered.length - kept.length} findings of lower severity were left out: a SARIF run holds at most ${MAX_SARIF_RESULTS} results` },
    });
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            semanticVersion: TOOL_VERSION,
            version: TOOL_VERSION,
            informationUri: TOOL_URI,
            rules: report.rules.map(toDescriptor),
          },
        },
        automationDetails: { id: `${TOOL_NAME}/${report.kind}/` },
        columnKind: 'utf16CodeUnits',
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results: kept.map((finding) => toResult(finding, report, ruleIndex)),
      },
    ],
  };
}

function toDescriptor(rule: RuleMeta): ReportingDescriptor {
  const provider = rule.tags.filter((tag) => tag !== 'security' && tag !== 'secret');
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.name },
    fullDescription: { text: rule.description },
    help: {
      text: `${rule.description}\n\nIf this is a real key, revoke or rotate it with its issuer first, then remove it from the code and its history. If it is not a secret, add \`keyward:allow\` to the line or baseline it.`,
      markdown: `${rule.description}\n\n**What to do:** if this is a real key, revoke or rotate it with its issuer first, then remove it from the code and from history. If it is not a secret, add \`keyward:allow\` to the line or record it in a baseline.${rule.references.length > 0 ? `\n\nReferences:\n${rule.references.map((url) => `- ${url}`).join('\n')}` : ''}`,
    },
    ...(rule.references[0] === undefined ? {} : { helpUri: rule.references[0] }),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'secret', ...provider],
      precision: rule.precision,
      'security-severity': SECURITY_SEVERITY[rule.severity],
    },
  };
}

function toResult(finding: Finding, report: Report, ruleIndex: Map<string, number>): Result {
  const history = report.kind === 'history';
  const where = finding.commit ? ` in commit ${finding.commit.sha.slice(0, 12)}` : '';
  const validated = finding.verification.status === 'unverified' ? '' : ` Verification: ${describeVerification(finding.verification)}.`;
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId)! } : {}),
    level: LEVEL[finding.severity],
    message: {
      text: `${finding.name} found${where} (secret ${finding.secretHashAlgorithm === 'sha256' ? 'SHA-256' : 'hash'} ${finding.secretSha256.slice(0, 12)}…).${validated} Revoke or rotate it, then remove it.`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeUri(finding.path), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: finding.endLine,
            endColumn: finding.endColumn,
          },
        },
      },
    ],
    ...relatedLocationsOf(finding),
    partialFingerprints: history
      ? { 'keyward/content/v1': contentFingerprintOf(finding.ruleId, finding.secretSha256) }
      : { 'keyward/v1': finding.fingerprint },
    properties: {
      severity: finding.severity,
      ...secretHashFields(finding),
      verification: { ...finding.verification },
      ...(finding.commit === undefined ? {} : { commit: finding.commit.sha, author: finding.commit.authorEmail, date: finding.commit.date }),
      ...(finding.appearanceCount === undefined ? {} : { appearanceCount: finding.appearanceCount }),
      ...(finding.occurrenceCount === undefined ? {} : { occurrenceCount: finding.occurrenceCount }),
      ...(finding.status === undefined ? {} : { status: finding.status, presentIn: (finding.presentIn ?? []).map((entry) => entry.ref) }),
      ...(finding.removedIn === undefined || finding.removedIn.length === 0
        ? {}
        : { removedIn: finding.removedIn.map((entry) => ({ ref: entry.ref, ...(entry.commit === undefined ? {} : { commit: entry.commit.sha }) })) }),
      ...(finding.refs === undefined ? {} : { refs: finding.refs }),
      ...(finding.layer === undefined ? {} : { layer: finding.layer }),
      ...(finding.decoded === undefined ? {} : { decoded: finding.decoded }),
      ...(finding.parts === undefined ? {} : { parts: finding.parts }),
    },
  };
}

/**
 * A history incident's other places (each path and line once; the introducing one is `locations`), so
 * code scanning shows one alert per secret that still lists where else it was.
 */
function relatedLocationsOf(finding: Finding): { relatedLocations?: Location[] } {
  if (finding.occurrences === undefined) return {};
  const seen = new Set([`${finding.path}\0${finding.line}`]);
  const related: Location[] = [];
  for (const occurrence of finding.occurrences) {
    const key = `${occurrence.path}\0${occurrence.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    related.push({
      id: related.length + 1,
      physicalLocation: { artifactLocation: { uri: encodeUri(occurrence.path), uriBaseId: '%SRCROOT%' }, region: { startLine: occurrence.line } },
      message: { text: occurrence.commit === undefined ? 'The same secret.' : `The same secret, added in commit ${occurrence.commit.slice(0, 12)}.` },
    });
  }
  return related.length === 0 ? {} : { relatedLocations: related };
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

function bySeverity(a: Finding, b: Finding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line);
}

function pascalCase(id: string): string {
  return id
    .split(/[-.]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** A repo-relative POSIX path as a URI reference: each segment percent-encoded, slashes kept. */
function encodeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
