import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sarifValidator } from './sarif-schema.js';
import { fakeChecksummedToken, fakeRandom, REPO_ROOT, runCli, tempDir } from './helpers.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const secrets = [`sk_live_51${fakeRandom(ALNUM, 30, 21)}`, fakeChecksummedToken('ghp_', 30, 22), `rk_live_51${fakeRandom(ALNUM, 30, 23)}`];

function tree(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.env'), secrets.map((s, i) => `KEY_${i}=${s}`).join('\n') + '\n');
  writeFileSync(join(dir, 'dir with space.js'), `const k = '${secrets[0]}';\n`);
  return dir;
}


describe('reports', () => {
  const dir = tree();

  it('never print a raw secret in any format unless --no-redact is given', () => {
    for (const format of ['text', 'json', 'jsonl', 'sarif']) {
      const result = runCli(['scan', dir, '--format', format]);
      expect(result.status, format).toBe(1);
      for (const secret of secrets) {
        expect(result.stdout.includes(secret), `${format} leaks ${secret.slice(0, 8)}`).toBe(false);
        expect(result.stderr.includes(secret), `${format} stderr`).toBe(false);
      }
      const out = join(dir, `..`, `report-${format}`);
      runCli(['scan', dir, '--format', format, '--output', out]);
      const written = readFileSync(out, 'utf8');
      for (const secret of secrets) expect(written.includes(secret), `${format} file`).toBe(false);
    }
    const revealed = runCli(['scan', dir, '--format', 'json', '--no-redact']);
    for (const secret of secrets.slice(0, 2)) expect(revealed.stdout).toContain(secret);
  });

  it('SARIF validates against the official 2.1.0 schema and carries what GitHub code scanning reads', () => {
    const result = runCli(['scan', dir, '--format', 'sarif']);
    const log = JSON.parse(result.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; semanticVersion: string; rules: { id: string; properties: Record<string, unknown> }[] } };
        automationDetails: { id: string };
        columnKind: string;
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[];
          partialFingerprints: Record<string, string>;
        }[];
      }[];
    };
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = log.runs[0]!;
    expect(log.version).toBe('2.1.0');
    expect(run.automationDetails.id).toBe('keyward/worktree/');
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.tool.driver.rules.length).toBeGreaterThanOrEqual(40);
    for (const rule of run.tool.driver.rules) {
      expect(rule.properties['tags']).toContain('security');
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
      expect(rule.properties['precision']).toBeTruthy();
    }
    expect(run.results.length).toBe(4);
    for (const result of run.results) {
      expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      expect(result.partialFingerprints['keyward/v1']).toMatch(/^[0-9a-f]{64}$/);
      expect(result.locations[0]!.physicalLocation.region['startLine']).toBeGreaterThanOrEqual(1);
      expect(result.locations[0]!.physicalLocation.region['endColumn']).toBeGreaterThan(result.locations[0]!.physicalLocation.region['startColumn']!);
    }
    expect(run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toContain('dir%20with%20space.js');
  });

  it('text groups findings by file and ends with a summary', () => {
    const result = runCli(['scan', dir]);
    expect(result.stdout).toMatch(/^config\.env\n {2}1:7 +critical stripe-secret-key-live +sk_live_51\w{0,4}…/m);
    expect(result.stdout).toMatch(/4 findings \(.*\) in 2 files; scanned 2 files/);
  });

  it('jsonl prints one finding per line', () => {
    const result = runCli(['scan', dir, '--format', 'jsonl']);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('fingerprint');
  });
});
