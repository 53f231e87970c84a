// The flags alone, so a scan without --validate loads no provider code (validate.ts re-exports them).

/** `scan --validate` and its tuning. Plain yargs option definitions, so any command can take them. */
export const VALIDATE_OPTIONS = {
  validate: {
    type: 'boolean',
    describe:
      "Ask each finding's provider whether the key works. This SENDS EACH CANDIDATE SECRET to its provider's API (one HTTPS request to a read-only endpoint per distinct secret); off by default",
  },
  'validate-endpoint': { type: 'string', array: true, nargs: 1, describe: 'NAME=URL: base URL for one provider check (GitHub Enterprise, a proxy); https, or http only to loopback' },
  'validate-timeout': { type: 'string', describe: 'Per-request timeout for --validate, e.g. 10s (default), 500ms' },
  'validate-budget': { type: 'string', describe: 'Time for all of --validate, e.g. 5m (default); what is left over is unknown (budget)' },
  'validate-skip': { type: 'string', array: true, nargs: 1, describe: 'NAME: never ask this provider (repeatable); its findings stay unverified' },
  'validate-rate': { type: 'string', array: true, nargs: 1, describe: 'NAME=N: at most N requests per second to this provider (default: its own limit)' },
} as const;

export interface ValidateArgs {
  validate?: boolean;
  validateEndpoint?: string[];
  validateTimeout?: string;
  validateBudget?: string;
  validateSkip?: string[];
  validateRate?: string[];
}

