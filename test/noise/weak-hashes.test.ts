import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { stripeKey } from './util.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('low-entropy secrets never appear as a plain SHA-256', () => {
  const dir = tempDir('keyward-weak-');
  const password = 'Summer2024!x';
  const key = stripeKey(611);
  writeFileSync(join(dir, 'settings.py'), `DATABASE_PASSWORD = "${password}"\nSTRIPE = "${key}"\n`);

  it('JSON: the password gets a scrypt secretHash and no secretSha256; the provider key keeps its plain SHA-256', () => {
    const result = runCli(['scan', dir, '--format', 'json']);
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain(sha256(password));
    const findings = (JSON.parse(result.stdout) as { findings: Record<string, unknown>[] }).findings;
    const weak = findings.find((finding) => String(finding['ruleId']).startsWith('generic'))!;
    const strong = findings.find((finding) => finding['ruleId'] === 'stripe-secret-key-live')!;
    expect(weak).toBeDefined();
    expect(weak['secretSha256']).toBeUndefined();
    expect(weak['secretHashAlgorithm']).toBe('scrypt-n8192-r8-p1');
    expect(weak['secretHash']).toMatch(/^[0-9a-f]{64}$/);
    expect(strong['secretSha256']).toBe(sha256(key));
    expect(strong['secretHashAlgorithm']).toBe('sha256');
    // The same password hashes the same way on the next run: baselines and SARIF fingerprints stay stable.
    const again = JSON.parse(runCli(['scan', dir, '--format', 'json']).stdout) as { findings: Record<string, unknown>[] };
    expect(again.findings.find((finding) => String(finding['ruleId']).startsWith('generic'))!['secretHash']).toBe(weak['secretHash']);
  });

  it('a short or weak secret shows at most 2 characters when redacted', () => {
    const result = runCli(['scan', dir, '--format', 'json']);
    const weak = (JSON.parse(result.stdout) as { findings: { ruleId: string; secret: string }[] }).findings.find((finding) => finding.ruleId.startsWith('generic'))!;
    expect(weak.secret.replace('…', '').length).toBeLessThanOrEqual(2);
    expect(password.startsWith(weak.secret.replace('…', ''))).toBe(true);
  });

  it('SARIF and a written baseline carry no plain SHA-256 of the password, and the baseline still hides it', () => {
    const sarif = runCli(['scan', dir, '--format', 'sarif']);
    expect(sarif.stdout).not.toContain(sha256(password));
    const baseline = join(dir, '..', 'weak-baseline.json');
    expect(runCli(['scan', dir, '--baseline-write', baseline]).status).toBe(0);
    const text = readFileSync(baseline, 'utf8');
    expect(text).not.toContain(sha256(password));
    expect(text).toContain('"hash":"scrypt"');
    expect(text).toContain(sha256(key));
    const hidden = runCli(['scan', dir, '--baseline', baseline, '--format', 'json']);
    expect(hidden.status).toBe(0);
  });
});
