import { KeywardError } from '../errors.js';
import type { VerifyOptions } from '../pipeline/index.js';
import { VALIDATE_OPTIONS, type ValidateArgs } from '../verify/validate-options.js';

export interface VerifyArgs extends ValidateArgs {
  verifyHashes?: string;
  onlyLive?: boolean;
  reportTo?: string;
  reportKey?: string;
  reportKeyId?: string;
}

export const VERIFY_OPTIONS = {
  'verify-hashes': { type: 'string', describe: "Mark findings live/revoked/unknown from an issuer's hashes: an export FILE, a key DB, a postgres:// URL, or the issuer's URL (sends 5 hex chars of each SHA-256)" },
  'only-live': { type: 'boolean', describe: 'Report only findings verified live (needs --verify-hashes or --validate)' },
  'report-to': { type: 'string', describe: "Send live findings to the issuer's leak endpoint (…/v1/leaks), signed with --report-key" },
  'report-key': { type: 'string', describe: 'ECDSA P-256 private key (PEM) that signs leak reports' },
  'report-key-id': { type: 'string', describe: 'Key identifier the issuer knows the public key by (default: SHA-256 of the public key)' },
  ...VALIDATE_OPTIONS,
} as const;

/**
 * The verification flags as pipeline options; contradictory ones are a usage error, and a bad --validate-*
 * flag is one before anything is scanned. Provider code loads only when --validate (or a tuning flag) is given.
 */
export async function verifyOptionsOf(args: VerifyArgs): Promise<VerifyOptions | undefined> {
  if (args.onlyLive && args.verifyHashes === undefined && !args.validate) throw new KeywardError('--only-live needs --verify-hashes or --validate');
  if (args.reportTo !== undefined && (args.verifyHashes === undefined || args.reportKey === undefined)) {
    throw new KeywardError('--report-to needs --verify-hashes (only live keys are reported) and --report-key');
  }
  const { validate, validateEndpoint, validateTimeout, validateBudget, validateSkip, validateRate } = args;
  let validation;
  if (validate || validateEndpoint || validateTimeout !== undefined || validateBudget !== undefined || validateSkip || validateRate) {
    const { parseValidateArgs } = await import('../verify/validate.js');
    validation = parseValidateArgs(args);
  }
  if (args.verifyHashes === undefined && validation === undefined) return undefined;
  return {
    ...(args.verifyHashes === undefined ? {} : { hashes: args.verifyHashes }),
    ...(validation === undefined ? {} : { validate: validation }),
    ...(args.onlyLive ? { onlyLive: true } : {}),
    ...(args.reportTo === undefined ? {} : { reportTo: args.reportTo }),
    ...(args.reportKey === undefined ? {} : { reportKey: args.reportKey }),
    ...(args.reportKeyId === undefined ? {} : { reportKeyId: args.reportKeyId }),
  };
}
