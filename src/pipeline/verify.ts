/**
 * The verification stage: asks each Verifier about the findings it applies to, and returns new findings
 * carrying the answer (`{status, by, detail, reason}`). When asked, live keys are reported to the issuer;
 * secrets kept raw for that are redacted before anything is printed.
 */
import type { Finding } from '../engine/finding.js';
import { redactFor } from '../engine/finding.js';
import type { Rule } from '../rules/types.js';
import type { Verification, VerificationStatus, Verifier, VerifyCandidate, VerifyContext } from '../verify/types.js';
import type { ValidateOptions } from '../verify/validate.js';

export interface VerifyOptions {
  /** An issuer's hashes: an export file, a key database, or the issuer's URL (k-anonymity range lookups). */
  hashes?: string;
  /** More verifiers (provider checks); each decides which candidates it applies to. */
  verifiers?: Verifier[];
  /** Report only findings verified live. */
  onlyLive?: boolean;
  /** Send live findings to the issuer's leak endpoint (…/v1/leaks), signed with `reportKey`. */
  reportTo?: string;
  reportKey?: string;
  reportKeyId?: string;
  timeoutMs?: number;
  /** `--validate`: ask each finding's provider (the rule's `verify:` check). Sends the candidate secret. */
  validate?: ValidateOptions;
}

/** Reporting a key to its issuer sends the key itself: the scan must keep secrets raw until then. */
export function needsRawSecrets(options: VerifyOptions | undefined): boolean {
  return options?.reportTo !== undefined || options?.validate !== undefined;
}

/** A decisive answer wins over `unknown` when two verifiers speak about the same secret. */
const WEIGHT: Record<VerificationStatus, number> = { live: 3, revoked: 3, invalid: 3, unknown: 1, unverified: 0 };

export async function verifyFindings(
  findings: readonly Finding[],
  rules: readonly Rule[],
  options: VerifyOptions,
  context: { redact: boolean; warn(message: string): void; notice(message: string): void },
): Promise<Finding[]> {
  const verifiers = [...(options.verifiers ?? [])];
  if (options.hashes !== undefined) {
    const { issuerHashVerifier } = await import('../verify/hash-source.js');
    verifiers.unshift(issuerHashVerifier(options.hashes));
  }
  if (verifiers.length === 0 && options.validate === undefined) return [...findings];

  const candidates = new Map<string, VerifyCandidate>();
  for (const finding of findings) {
    if (!candidates.has(finding.secretSha256)) {
      candidates.set(finding.secretSha256, { ruleId: finding.ruleId, secret: finding.secret, secretSha256: finding.secretSha256, secretHashAlgorithm: finding.secretHashAlgorithm });
    }
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const verifyContext: VerifyContext = { endpoints: new Map(), timeoutMs, deadline: Date.now() + 10 * timeoutMs, warn: context.warn };
  const answers = new Map<string, Verification>();
  for (const verifier of verifiers) {
    const applicable = [...candidates.values()].filter((candidate) => verifier.appliesTo(candidate));
    if (applicable.length === 0) continue;
    for (const [hash, answer] of await verifier.verify(applicable, verifyContext)) {
      const before = answers.get(hash);
      if (before === undefined || WEIGHT[answer.status] > WEIGHT[before.status]) answers.set(hash, answer);
    }
  }
  let verified = findings.map((finding) => {
    const answer = answers.get(finding.secretSha256);
    return answer === undefined || answer === finding.verification ? finding : { ...finding, verification: answer };
  });

  if (options.reportTo !== undefined && options.reportKey !== undefined) {
    const { loadReportingKey, sendLeakReport } = await import('../verify/leak-report.js');
    const key = loadReportingKey(options.reportKey, options.reportKeyId);
    const seen = new Set<string>();
    const items = verified
      .filter((finding) => finding.verification.status === 'live' && !seen.has(finding.secretSha256) && seen.add(finding.secretSha256))
      .map((finding) => ({ token: finding.secret, type: finding.ruleId, url: locationOf(finding), source: 'keyward' }));
    if (items.length > 0) {
      const replies = await sendLeakReport(options.reportTo, key, items);
      const confirmed = replies.filter((reply) => reply.label === 'true_positive').length;
      context.notice(`reported ${items.length} live key(s) to ${new URL(options.reportTo).origin}; the issuer confirmed ${confirmed}`);
    }
  }
  if (options.validate !== undefined) {
    // Issuer keys the hashes already decided are not sent to anyone; the rest go to their provider.
    const { summarizeValidation, validateFindings } = await import('../verify/validate.js');
    verified = await validateFindings(verified, rules, { ...options.validate, warn: context.warn });
    const summary = summarizeValidation(verified);
    if (summary !== undefined) context.notice(summary);
  }
  if (needsRawSecrets(options) && context.redact) {
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    verified = verified.map((finding) => {
      const rule = byId.get(finding.ruleId);
      return rule === undefined ? finding : { ...finding, secret: redactFor(rule, finding.secret) };
    });
  }
  return options.onlyLive ? verified.filter((finding) => finding.verification.status === 'live') : verified;
}

/** Where a finding was, for a leak report's `url`: `git:<commit>:<path>#L<line>` in history, else `<path>#L<line>`. */
function locationOf(finding: Finding): string {
  return `${finding.commit === undefined ? '' : `git:${finding.commit.sha}:`}${finding.path}#L${finding.line}`;
}
