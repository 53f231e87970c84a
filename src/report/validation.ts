import type { Verification } from '../verify/types.js';

/**
 * `live github-user login=octocat`, `invalid stripe-account`, `unknown slack-auth-test: timeout`,
 * `revoked issuer-hashes`: a verification as one line of text, never a secret (detail is non-secret).
 */
export function describeVerification(verification: Verification): string {
  const detail = Object.entries(verification.detail ?? {})
    .slice(0, 3)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
  return `${verification.status} ${verification.by}${verification.reason === undefined ? '' : `: ${verification.reason}`}${detail === '' ? '' : ` ${detail}`}`;
}
