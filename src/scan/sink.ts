import type { Finding } from '../engine/finding.js';

/** Where a scan pushes what it finds. Reporters and collectors implement it; the scan never formats. */
export interface ScanSink {
  finding(finding: Finding): void;
  warning(message: string): void;
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
