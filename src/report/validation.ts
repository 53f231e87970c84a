import type { Finding } from '../engine/finding.js';
import type { Verification } from '../verify/types.js';

/** A provider's answer on a finding (`scan --validate`), if it has one. */
export function validationOf(finding: Finding): Verification | undefined {
  return (finding as Finding & { validation?: Verification }).validation;
}

/** `live github-user login=octocat`, `invalid stripe-account`, `unknown slack-auth-test: timeout`. */
export function describeValidation(finding: Finding): string | undefined {
  const validation = validationOf(finding);
  if (validation === undefined) return undefined;
  const detail = Object.entries(validation.detail ?? {})
    .slice(0, 3)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
  return `${validation.status} ${validation.by}${validation.reason === undefined ? '' : `: ${validation.reason}`}${detail === '' ? '' : ` ${detail}`}`;
}
