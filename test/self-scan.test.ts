import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './helpers.js';

describe('self-scan', () => {
  it("keyward's own repository is clean under its own .keyward.yml", () => {
    const result = runCli(['scan', '.', '--format', 'json'], { cwd: REPO_ROOT });
    const report = JSON.parse(result.stdout) as { findings: { path: string; ruleId: string }[]; stats: { filesScanned: number } };
    expect(report.findings.map((f) => `${f.path} ${f.ruleId}`)).toEqual([]);
    expect(result.status).toBe(0);
    expect(report.stats.filesScanned).toBeGreaterThan(50);
  });
});
