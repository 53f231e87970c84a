/** The baseline a repository's scans honour when no flag or config names one: this file at the repository root. */
export const DEFAULT_BASELINE_NAME = '.keyward-baseline.json';
