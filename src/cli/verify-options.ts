import type { Finding } from '../engine/finding.js';
import { redactFor } from '../engine/finding.js';
import { KeywardError } from '../errors.js';
import type { Rule } from '../rules/types.js';
import { VALIDATE_OPTIONS, type ValidateArgs } from '../verify/validate-options.js';
import type { CliIo } from './io.js';

export interface VerifyArgs extends ValidateArgs {
  quiet?: boolean;
  verifyHashes?: string;
  onlyLive?: boolean;
  reportTo?: string;
  reportKey?: string;
  reportKeyId?: string;
  redact: boolean;
}

export const VERIFY_OPTIONS = {
  'verify-hashes': { type: 'string', describe: "Mark findings live/revoked/unknown from an issuer's hashes: an export FILE, a key DB, or the issuer's URL (sends 5 hex chars of each SHA-256)" },
  'only-live': { type: 'boolean', describe: 'Report only findings verified live (needs --verify-hashes or --validate)' },
  'report-to': { type: 'string', describe: "Send live findings to the issuer's leak endpoint (…/v1/leaks), signed with --report-key" },
  'report-key': { type: 'string', describe: 'ECDSA P-256 private key (PEM) that signs leak reports' },
  'report-key-id': { type: 'string', describe: 'Key identifier the issuer knows the public key by (default: SHA-256 of the public key)' },
  ...VALIDATE_OPTIONS,
} as const;

/** Scans must keep raw secrets in memory when they will be reported to the issuer. */
export function needsRawSecrets(args: VerifyArgs): boolean {
  return args.reportTo !== undefined || args.validate === true;
}

export async function checkVerifyArgs(args: VerifyArgs): Promise<void> {
  if (args.onlyLive && args.verifyHashes === undefined && !args.validate) throw new KeywardError('--only-live needs --verify-hashes or --validate');
  if (args.reportTo !== undefined && (args.verifyHashes === undefined || args.reportKey === undefined)) {
    throw new KeywardError('--report-to needs --verify-hashes (only live keys are reported) and --report-key');
  }
  const { validate, validateEndpoint, validateTimeout, validateBudget, validateSkip, validateRate } = args;
  if (validate || validateEndpoint || validateTimeout !== undefined || validateBudget !== undefined || validateSkip || validateRate) {
    const { parseValidateArgs } = await import('../verify/validate.js');
    parseValidateArgs(args); // a bad flag is a usage error before anything is scanned
  }
}

/**
 * Sets each finding's `verification`, reports live ones when asked, then redacts what the scan kept raw
 * for the report. Nothing is sent to the issuer for a finding that is not one of its live keys, and
 * nothing to a provider without --validate.
 */
export async function verifyFindings(args: VerifyArgs, findings: Finding[], rules: readonly Rule[], io: CliIo, location: (finding: Finding) => string): Promise<Finding[]> {
  if (args.verifyHashes === undefined && !args.validate) return findings;
  if (args.verifyHashes !== undefined) await verifyByHashes(args.verifyHashes, findings);
  if (args.reportTo !== undefined && args.reportKey !== undefined) {
    const { loadReportingKey, sendLeakReport } = await import('../verify/leak-report.js');
    const key = loadReportingKey(args.reportKey, args.reportKeyId);
    const seen = new Set<string>();
    const items = findings
      .filter((finding) => finding.verification === 'live' && !seen.has(finding.secretSha256) && seen.add(finding.secretSha256))
      .map((finding) => ({ token: finding.secret, type: finding.ruleId, url: location(finding), source: 'keyward' }));
    if (items.length > 0) {
      const answers = await sendLeakReport(args.reportTo, key, items);
      const confirmed = answers.filter((answer) => answer.label === 'true_positive').length;
      io.stderr(`keyward: reported ${items.length} live key(s) to ${new URL(args.reportTo).origin}; the issuer confirmed ${confirmed}\n`);
    }
  }
  if (args.validate) {
    // Issuer keys the hashes already decided are not sent to anyone; the rest go to their provider.
    const { parseValidateArgs, summarizeValidation, validateFindings } = await import('../verify/validate.js');
    const options = parseValidateArgs(args)!;
    findings = await validateFindings(findings, rules, options);
    const summary = summarizeValidation(findings);
    if (summary !== undefined && !args.quiet) io.stderr(`keyward: ${summary}\n`);
  }
  if (needsRawSecrets(args) && args.redact) {
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    for (const finding of findings) {
      const rule = byId.get(finding.ruleId);
      if (rule !== undefined) finding.secret = redactFor(rule, finding.secret);
    }
  }
  return args.onlyLive ? findings.filter((finding) => finding.verification === 'live') : findings;
}

async function verifyByHashes(spec: string, findings: Finding[]): Promise<void> {
  const { openHashSource } = await import('../verify/hash-source.js');
  const source = await openHashSource(spec);
  let known;
  try {
    // Only plain SHA-256 hashes can match an issuer's store (issued keys are high-entropy); a scrypt hash never would.
    known = await source.lookup([...new Set(findings.filter((finding) => finding.secretHashAlgorithm === 'sha256').map((finding) => finding.secretSha256))]);
  } finally {
    await source.close();
  }
  for (const finding of findings) finding.verification = known.get(finding.secretSha256) ?? 'unknown';
}
