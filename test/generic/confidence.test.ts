import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers.js';
import { fake, scanFiles } from './util.js';

describe('generic findings: one confidence, severity from it, a floor', () => {
  it('JSON carries confidence and score; severity follows confidence', () => {
    const strong = fake(20, 601);
    const { findings } = scanFiles({ 'app/config.py': `DB_PASSWORD = "${strong}"\nkey = "${fake(12, 602)}"\n` }, ['--min-confidence', 'low']);
    const [high, low] = findings;
    expect(high).toMatchObject({ ruleId: 'generic-secret-assignment', confidence: 'high', severity: 'high', secret: strong });
    expect(high!.score).toBeGreaterThanOrEqual(0.8);
    expect(low?.confidence).toBe('low');
    expect(low?.severity).toBe('low');
    expect(low!.score!).toBeLessThan(high!.score!);
  });

  it('test and example files lower the score but do not hide the finding', () => {
    const value = fake(9, 611).toLowerCase();
    const line = `password = "${value}"\n`;
    const normal = scanFiles({ 'app/db.py': line }).findings;
    expect(normal.map((f) => f.secret)).toEqual([value]);
    const inTest = scanFiles({ 'tests/test_db.py': line, 'config/app.env.example': `DB_PASSWORD=${value}\n` }).findings;
    expect(inTest).toEqual([]);
    const shown = scanFiles({ 'tests/test_db.py': line, 'config/app.env.example': `DB_PASSWORD=${value}\n` }, ['--min-confidence', 'low']).findings;
    expect(shown.map((f) => [f.path, f.confidence])).toEqual([
      ['config/app.env.example', 'low'],
      ['tests/test_db.py', 'low'],
    ]);
    expect(shown[1]!.score!).toBeLessThan(normal[0]!.score!);
  });

  it('--min-confidence high keeps only high findings; min_confidence in .keyward.yml sets the floor', () => {
    const files = { 'app/a.py': `DB_PASSWORD = "${fake(20, 621)}"\npassword = "plumtree"\n` };
    expect(scanFiles(files).findings.map((f) => f.confidence)).toEqual(['high', 'medium']);
    expect(scanFiles(files, ['--min-confidence', 'high']).findings.map((f) => f.confidence)).toEqual(['high']);
    expect(scanFiles({ ...files, '.keyward.yml': 'min_confidence: high\n' }).findings.map((f) => f.confidence)).toEqual(['high']);
    // The flag wins over the config.
    expect(scanFiles({ ...files, '.keyward.yml': 'min_confidence: high\n' }, ['--min-confidence', 'medium']).findings).toHaveLength(2);
  });

  it('a bad floor is a one-line usage or config error, exit 2', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.py'), 'x = 1\n');
    const flag = runCli(['scan', '.', '--min-confidence', 'sure'], { cwd: dir });
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/min-confidence/);
    writeFileSync(join(dir, '.keyward.yml'), 'min_confidence: sure\n');
    const config = runCli(['scan', '.'], { cwd: dir });
    expect(config.status).toBe(2);
    expect(config.stderr.split('\n')[0]).toMatch(/^keyward: error: .*\.keyward\.yml:1: min_confidence: must be one of high, medium, low$/);
    expect(config.stderr).not.toMatch(/\n\s+at /);
  });

  it('--explain prints one line per candidate with the signals, values redacted', () => {
    const value = fake(20, 631);
    const { stderr, findings } = scanFiles({ 'app/a.py': `DB_PASSWORD = "${value}"\npassword_hint = "your first pet"\ntoken = "changeme"\n` }, ['--explain']);
    expect(findings).toHaveLength(1);
    expect(stderr).toMatch(/app\/a\.py:1 generic-secret-assignment name="DB_PASSWORD" value="\w{4}…" \(20 chars\) → \d\.\d\d high: .*strong word "password"/);
    expect(stderr).toMatch(/app\/a\.py:3 generic-secret-assignment name="token" .*→ not a credential: .*placeholder/);
    expect(stderr).not.toContain(value);
  });

  it('a provider rule on the same span wins over the generic finding', () => {
    const stripe = `sk_live_51${fake(30, 641)}`;
    const { findings } = scanFiles({ 'app/a.py': `STRIPE_SECRET = "${stripe}"\n` });
    expect(findings.map((f) => f.ruleId)).toEqual(['stripe-secret-key-live']);
  });

  it('no secret in any output without --no-redact', () => {
    const values = [fake(18, 651), fake(14, 652), fake(16, 653)];
    const files = { '.env': `DB_PASSWORD=${values[0]}\nDATABASE_URL=postgres://app:${values[1]}@db:5432/app\n`, 'run.sh': `mysql -u app -p${values[2]} db\n` };
    for (const format of ['text', 'json', 'sarif']) {
      const dir = tempDir();
      for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
      const result = runCli(['scan', '.', '--format', format, '--explain'], { cwd: dir });
      expect(result.status).toBe(1);
      for (const value of values) {
        expect(result.stdout).not.toContain(value);
        expect(result.stderr).not.toContain(value);
      }
    }
  });
});
