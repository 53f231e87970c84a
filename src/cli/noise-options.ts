/** The scan's noise controls as flags: --config, --baseline, --baseline-write, --baseline-add, --explain and --decode-depth. */
import { DEFAULT_DECODE } from '../engine/noise.js';

export interface NoiseArgs {
  config?: string;
  baseline?: string;
  baselineWrite?: string;
  baselineAdd?: string;
  explain?: boolean;
  decodeDepth?: number;
}

export const NOISE_OPTIONS = {
  config: {
    type: 'string',
    describe: 'Config file: a .keyward.yml, or a gitleaks .toml (default: the nearest .keyward.yml at or above the scan root)',
  },
  baseline: {
    type: 'string',
    describe: "Hide findings recorded in this baseline file (by rule, secret hash and path); default: the config's baseline:, else .keyward-baseline.json at the repository root if it exists",
  },
  'baseline-write': { type: 'string', describe: 'Record the current findings in this baseline file, replacing what it held (they are then hidden; exit 0)' },
  'baseline-add': { type: 'string', describe: 'Add the current findings to this baseline file, keeping its entries (exit 0): what a blocked hook suggests' },
  explain: { type: 'boolean', default: false, describe: 'Print on stderr how many candidates each filter dropped, per rule' },
  'decode-depth': { type: 'number', describe: `Decode base64/hex/percent segments this many levels deep (default ${DEFAULT_DECODE.depth}; 0 = off)` },
} as const;
