/**
 * keyward/issuer: make API keys that are easy to find when they leak, store only their hashes, and run
 * their lifecycle (create, verify, rotate, revoke, expire, audit).
 */
export { stateHash, verifyAuditChain, type AuditVerification } from './audit.js';
export { bodyEntropyBits, defineKeyFormat, generateKey, keyLength, parseKey, previewKey, type KeyFormat, type KeyFormatOptions } from './format.js';
export { hashKey, sameDigest } from './hash.js';
export {
  DEFAULT_OVERLAP_MS,
  DEFAULT_STALE_AFTER_MS,
  Issuer,
  livenessOf,
  statusOf,
  type CreateKeyOptions,
  type CreatedKey,
  type IssuerOptions,
  type KeyView,
  type LeakOutcome,
  type VerifyContext,
  type VerifyFailure,
  type VerifyResult,
} from './issuer.js';
export { defaultPatternName, githubPartnerPattern, gitleaksRule, keyRegex, keywardRule, ruleId } from './pattern.js';
export { openKeyStore, type OpenKeyStoreOptions } from './open.js';
export { padRange, type RangeEntry } from './range.js';
export { TokenBuckets } from './rate-limit.js';
export { PgKeyStore, redactPassword } from './pg-store.js';
export { SqliteKeyStore, type SqliteStoreOptions } from './sqlite-store.js';
export * from './types.js';
