import type { Finding } from '../engine/finding.js';

/**
 * Where a scan pushes what it finds, as it finds it (ripgrep's printers are sinks too). The driver calls
 * `finding` for each finding of each piece of work as it comes back, in no global order; a collector sorts,
 * a streaming reporter prints at once.
 */
export interface ScanSink {
  finding(finding: Finding): void;
  warning(message: string): void;
}

/** A sink that also closes: reporters that stream print their summary in `finish`. */
export interface Sink extends ScanSink {
  finish?(): void;
}

export interface CollectedScan {
  findings: Finding[];
  warnings: string[];
}

export function collectingSink(): ScanSink & CollectedScan {
  const findings: Finding[] = [];
  const warnings: string[] = [];
  return {
    findings,
    warnings,
    finding: (finding) => findings.push(finding),
    warning: (message) => warnings.push(message),
  };
}
