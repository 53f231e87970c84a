import { KeywardError } from '../errors.js';

/**
 * Whole-number options and the values that make sense for them. yargs turns `--max-count abc` into NaN and
 * accepts `--threads 0`; each is a usage error naming the flag, the value and the range instead.
 */
export const WHOLE_NUMBER_OPTIONS: Readonly<Record<string, { flag: string; min: number; max: number }>> = {
  threads: { flag: '--threads', min: 1, max: 64 },
  decodeDepth: { flag: '--decode-depth', min: 0, max: 4 },
  maxCount: { flag: '--max-count', min: 1, max: Number.MAX_SAFE_INTEGER },
  maxOccurrences: { flag: '--max-occurrences', min: 1, max: 1_000_000 },
  archiveDepth: { flag: '--archive-depth', min: 0, max: 8 },
};

/** yargs middleware: throws a KeywardError for the first whole-number option outside its range. */
export function checkOptionRanges(argv: Record<string, unknown>, raw: readonly string[] = []): void {
  for (const [key, range] of Object.entries(WHOLE_NUMBER_OPTIONS)) {
    const value = argv[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
      const given = shown(typeof value === 'number' && Number.isNaN(value) ? rawValueOf(raw, range.flag) : String(value));
      const bound = range.max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${range.min}` : `a whole number from ${range.min} to ${range.max}`;
      throw new KeywardError(`${range.flag}: ${given.startsWith('<') ? given : `'${given}'`} is not ${bound}`);
    }
  }
}

/** A bad value is echoed only when short: a long one may be a key pasted into the wrong place. */
function shown(value: string): string {
  return value.length <= 12 ? value : `<a ${value.length}-character value, withheld>`;
}

/** What the user typed after `flag` (`--flag value` or `--flag=value`), for the error message. */
function rawValueOf(raw: readonly string[], flag: string): string {
  for (let i = 0; i < raw.length; i++) {
    const arg = raw[i]!;
    if (arg === flag) return raw[i + 1] ?? '';
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return 'NaN';
}
