import { KeywardError } from '../errors.js';
import type { VerifyOptions } from '../pipeline/index.js';

export interface VerifyArgs {
  verifyHashes?: string;
  onlyLive?: boolean;
  reportTo?: string;
  reportKey?: string;
  reportKeyId?: string;
}

export const VERIFY_OPTIONS = {
  'verify-hashes': { type: 'string', describe: "Mark findings live/revoked/unknown from an issuer's hashes: an export FILE, a key DB, or the issuer's URL (sends 5 hex chars of each SHA-256)" },
  'only-live': { type: 'boolean', describe: 'Report only findings verified live (needs --verify-hashes)' },
  'report-to': { type: 'string', describe: "Send live findings to the issuer's leak endpoint (…/v1/leaks), signed with --report-key" },
  'report-key': { type: 'string', describe: 'ECDSA P-256 private key (PEM) that signs leak reports' },
  'report-key-id': { type: 'string', describe: 'Key identifier the issuer knows the public key by (default: SHA-256 of the public key)' },
} as const;

/** The verification flags as pipeline options; contradictory ones are a usage error. */
export function verifyOptionsOf(args: VerifyArgs): VerifyOptions | undefined {
  if (args.onlyLive && args.verifyHashes === undefined) throw new KeywardError('--only-live needs --verify-hashes');
  if (args.reportTo !== undefined && (args.verifyHashes === undefined || args.reportKey === undefined)) {
    throw new KeywardError('--report-to needs --verify-hashes (only live keys are reported) and --report-key');
  }
  if (args.verifyHashes === undefined) return undefined;
  return {
    hashes: args.verifyHashes,
    ...(args.onlyLive ? { onlyLive: true } : {}),
    ...(args.reportTo === undefined ? {} : { reportTo: args.reportTo }),
    ...(args.reportKey === undefined ? {} : { reportKey: args.reportKey }),
    ...(args.reportKeyId === undefined ? {} : { reportKeyId: args.reportKeyId }),
  };
}
