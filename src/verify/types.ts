/**
 * The verifier contract (issue 11 item 7, issue 15). A verifier says whether a found secret is a working key:
 * the issuer hash store (sends nothing secret) is one; each provider API check (opt-in, `--validate`) is
 * another, one small file each under src/verify/providers/. Verifiers return statuses; the pipeline stage
 * that calls them (src/pipeline/verify.ts) builds new findings from them, it never edits one in place.
 */

/** `live` only on proof (a documented success answer); `invalid` only on the provider's documented refusal. */
export type VerificationStatus = 'live' | 'revoked' | 'invalid' | 'unknown' | 'unverified';

export interface Verification {
  status: VerificationStatus;
  /** Which verifier decided: `issuer-hashes`, `github-user`, `stripe-account`, … */
  by: string;
  /** Non-secret evidence the provider returned (account name or id, scopes, expiry); never the key. */
  detail?: Record<string, string | number | boolean | string[]>;
  /** Why the status is `unknown`: `timeout`, `rate-limited`, `unexpected-status 403 text/html`, `network`, `budget`. */
  reason?: string;
}

/** What a verifier is handed: the raw secret (kept in memory only), its hash, and paired parts if any. */
export interface VerifyCandidate {
  ruleId: string;
  /** The `verify:` name in the rule's YAML (providers), or undefined. */
  verify?: string;
  secret: string;
  secretSha256: string;
  /** How `secretSha256` was made: a low-entropy secret's is scrypt, which no SHA-256 store can match. */
  secretHashAlgorithm?: 'sha256' | 'scrypt';
  /** Other parts of a paired secret (issue 13 item 4), by name: e.g. `{ id: 'AKIA…' }` for an AWS secret key. */
  parts?: Record<string, string>;
}

export interface VerifyContext {
  /** Base URL overrides by verifier name (`--validate-endpoint NAME=URL`). */
  endpoints: ReadonlyMap<string, string>;
  timeoutMs: number;
  /** The run's deadline (epoch ms): past it, what is left is `unknown` with reason `budget`. */
  deadline: number;
  warn(message: string): void;
}

export interface Verifier {
  readonly name: string;
  appliesTo(candidate: VerifyCandidate): boolean;
  /** One status per distinct secretSha256 it was given; candidates it cannot decide get `unknown` with a reason. */
  verify(candidates: readonly VerifyCandidate[], context: VerifyContext): Promise<Map<string, Verification>>;
}
