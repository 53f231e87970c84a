import type { Finding } from '../engine/finding.js';
import { hashSecret } from '../engine/finding.js';
import { KeywardError, RuleError } from '../errors.js';
import type { Rule } from '../rules/types.js';
import { checkEndpoint, DEFAULT_TIMEOUT_MS } from './http.js';
import { ProviderVerifier } from './provider-verifier.js';
import { PROVIDERS } from './providers/index.js';
import type { ProviderSpec } from './providers/spec.js';
import type { Verification, VerifyCandidate, Verifier } from './types.js';
import type { ValidateArgs } from './validate-options.js';

export const DEFAULT_BUDGET_MS = 5 * 60_000;

export { VALIDATE_OPTIONS, type ValidateArgs } from './validate-options.js';

export interface ValidateOptions {
  endpoints: ReadonlyMap<string, string>;
  timeoutMs: number;
  budgetMs: number;
  skip: ReadonlySet<string>;
  rates: ReadonlyMap<string, number>;
  warn?: (message: string) => void;
  /** Replaces the provider verifier (tests, or a pipeline that brings its own). */
  verifier?: Verifier;
}


/**
 * Checks the flags before anything is scanned, so a typo is a usage error and not a scan that quietly
 * validated nothing. Returns undefined when --validate is off (and then no tuning flag may be given).
 */
export function parseValidateArgs(args: ValidateArgs, providers: ReadonlyMap<string, ProviderSpec> = PROVIDERS): ValidateOptions | undefined {
  const given = [
    args.validateEndpoint?.length ? '--validate-endpoint' : '',
    args.validateTimeout !== undefined ? '--validate-timeout' : '',
    args.validateBudget !== undefined ? '--validate-budget' : '',
    args.validateSkip?.length ? '--validate-skip' : '',
    args.validateRate?.length ? '--validate-rate' : '',
  ].filter(Boolean);
  if (!args.validate) {
    if (given.length > 0) throw new KeywardError(`${given[0]} needs --validate`, { hint: '--validate sends each candidate secret to its provider; it is off by default' });
    return undefined;
  }
  const known = (flag: string, name: string) => {
    if (!providers.has(name)) throw new KeywardError(`${flag} ${name}: no provider check named '${name}'`, { hint: 'docs/VALIDATION.md lists them' });
  };
  const endpoints = new Map<string, string>();
  for (const entry of args.validateEndpoint ?? []) {
    const [name, url] = splitPair(entry, '--validate-endpoint', 'NAME=URL');
    known('--validate-endpoint', name);
    checkEndpoint(url, `--validate-endpoint ${name}`);
    endpoints.set(name, url);
  }
  const rates = new Map<string, number>();
  for (const entry of args.validateRate ?? []) {
    const [name, value] = splitPair(entry, '--validate-rate', 'NAME=N');
    known('--validate-rate', name);
    const rate = Number(value);
    if (!Number.isFinite(rate) || rate <= 0) throw new KeywardError(`--validate-rate ${name}: expected a positive number of requests per second, got '${value}'`);
    rates.set(name, rate);
  }
  const skip = new Set<string>();
  for (const name of args.validateSkip ?? []) {
    known('--validate-skip', name);
    skip.add(name);
  }
  return {
    endpoints,
    rates,
    skip,
    timeoutMs: args.validateTimeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(args.validateTimeout, '--validate-timeout'),
    budgetMs: args.validateBudget === undefined ? DEFAULT_BUDGET_MS : parseDuration(args.validateBudget, '--validate-budget'),
  };
}

/** `500ms`, `10s`, `5m`, or a bare number of seconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  if (match === null || Number(match[1]) <= 0) throw new KeywardError(`${flag}: expected a duration like 500ms, 10s or 5m, got '${text}'`);
  const value = Number(match[1]);
  return Math.round(match[2] === 'ms' ? value : match[2] === 'm' ? value * 60_000 : value * 1000);
}

function splitPair(entry: string, flag: string, shape: string): [string, string] {
  const at = entry.indexOf('=');
  if (at <= 0 || at === entry.length - 1) throw new KeywardError(`${flag} ${entry}: expected ${shape}`);
  return [entry.slice(0, at), entry.slice(at + 1)];
}

/** A rule naming a provider check that does not exist is a rule error, named by file and line. */
export function checkVerifyNames(rules: readonly Rule[], providers: ReadonlyMap<string, ProviderSpec> = PROVIDERS): void {
  for (const rule of rules) {
    if (rule.verify !== undefined && !providers.has(rule.verify)) {
      throw new RuleError(rule.source.file, `verify: no provider check named '${rule.verify}'`, rule.source.line, rule.id);
    }
  }
}

/**
 * Asks providers about the findings whose rule names a `verify:` check, and returns new findings with
 * `validation` (and the one-word `verification`) set; the input is never changed. A finding another
 * verifier already decided (`live` or `revoked` by the issuer's hashes) is not sent anywhere. Findings
 * must carry their raw secret: one that was redacted is never sent and stays `unknown` (reason `redacted`).
 */
export async function validateFindings<F extends Finding>(findings: readonly F[], rules: readonly Rule[], options: ValidateOptions): Promise<F[]> {
  checkVerifyNames(rules);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const verifier = options.verifier ?? new ProviderVerifier({ skip: options.skip, rates: options.rates });
  const candidates: VerifyCandidate[] = [];
  const redacted = new Map<string, Verification>();
  const wanted = (finding: F): string | undefined => {
    if (finding.verification.status === 'live' || finding.verification.status === 'revoked') return undefined;
    const verify = byId.get(finding.ruleId)?.verify;
    return verify === undefined || options.skip.has(verify) ? undefined : verify;
  };
  for (const finding of findings) {
    const verify = wanted(finding);
    if (verify === undefined) continue;
    const rule = byId.get(finding.ruleId);
    if (rule === undefined || hashSecret(rule, finding.secret).hash !== finding.secretSha256) {
      redacted.set(finding.secretSha256, { status: 'unknown', by: verify, reason: 'redacted' });
      continue;
    }
    const parts = (finding as { parts?: Record<string, string> }).parts;
    candidates.push({ ruleId: finding.ruleId, verify, secret: finding.secret, secretSha256: finding.secretSha256, ...(parts === undefined ? {} : { parts }) });
  }
  const results = candidates.length === 0 ? new Map<string, Verification>() : await verifier.verify(candidates, {
    endpoints: options.endpoints,
    timeoutMs: options.timeoutMs,
    deadline: Date.now() + options.budgetMs,
    warn: options.warn ?? (() => undefined),
  });
  return findings.map((finding) => {
    const verify = wanted(finding);
    if (verify === undefined) return finding;
    const result = results.get(finding.secretSha256) ?? redacted.get(finding.secretSha256) ?? { status: 'unknown', by: verify, reason: 'not-asked' };
    return { ...finding, verification: result };
  });
}

/** `3 live, 5 invalid, 2 unknown (timeout 1, rate-limited 1)`: for stderr, never a secret. */
export function summarizeValidation(findings: readonly Finding[]): string | undefined {
  const seen = new Map<string, Verification>();
  for (const finding of findings) {
    if (finding.verification.status !== 'unverified' && finding.verification.by !== 'issuer-hashes') seen.set(finding.secretSha256, finding.verification);
  }
  if (seen.size === 0) return undefined;
  const count = (status: string) => [...seen.values()].filter((result) => result.status === status).length;
  const reasons = new Map<string, number>();
  for (const result of seen.values()) if (result.reason !== undefined) reasons.set(result.reason, (reasons.get(result.reason) ?? 0) + 1);
  const why = [...reasons].map(([reason, n]) => `${reason} ${n}`).join(', ');
  return `validated ${seen.size} distinct secret(s): ${count('live')} live, ${count('invalid')} invalid, ${count('unknown')} unknown${why === '' ? '' : ` (${why})`}`;
}
