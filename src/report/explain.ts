import { DROP_REASONS, type DropReason } from '../engine/detect.js';
import type { ScanStats } from '../sources/stats.js';

const REASON_TEXT: Record<DropReason, string> = {
  boundary: 'token prefix inside a longer word',
  checksum: 'checksum did not match',
  entropy: 'entropy below the rule minimum',
  placeholder: 'looks like a placeholder (xxxx, ${VAR}, <key>, example…)',
  shape: 'value reads as words, not generated (no digit, no random mix of case)',
  duplicate: 'same rule, same span (or found again after decoding)',
  'inline-ignore': 'inline marker (keyward:allow, gitleaks:allow, …)',
  allowlist: 'allowlist regex (secret, line or rule path)',
  stopword: 'allowlist stopword',
  overlap: 'generic rule overlapped by a provider rule',
  'rule-path': "outside the rule's path",
  'commit-allowlist': 'commit allowlisted',
  baseline: 'in the baseline',
  'path-allowlist': 'files/blobs skipped by the paths allowlist',
  'decode-budget': 'files/blobs that hit the decode byte budget',
  'not-credential': 'generic candidate whose name or value is not a credential (placeholder, reference, hint…)',
  confidence: 'generic candidate scored under the confidence floor (--min-confidence)',
};

/** The --explain table: one line per filter with its count and the rules it dropped, most first. */
export function formatExplain(stats: ScanStats): string {
  const lines = ['why candidates were not reported:'];
  for (const reason of DROP_REASONS) {
    const count = stats.dropped[reason] ?? 0;
    if (count === 0) continue;
    const perRule = Object.entries(stats.droppedByRule)
      .map(([ruleId, reasons]) => [ruleId, reasons[reason] ?? 0] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([ruleId, n]) => `${ruleId} ${n}`);
    lines.push(`  ${reason.padEnd(17)} ${String(count).padStart(6)}  ${REASON_TEXT[reason]}${perRule.length > 0 ? `: ${perRule.join(', ')}` : ''}`);
  }
  if (lines.length === 1) lines.push('  nothing was dropped');
  if (stats.explained !== undefined && stats.explained.length > 0) {
    lines.push('generic candidates (name, value redacted, score, confidence: signals):');
    for (const line of stats.explained) lines.push(`  ${line}`);
  }
  return `${lines.join('\n')}\n`;
}
