import { describe, expect, it } from 'vitest';
import { fakeRandom } from '../helpers.js';
import { ALNUM, scanJson, stripeKey } from './util.js';

describe('generic rules', () => {
  it('report assignments, URL credentials and connection strings at low/medium severity', () => {
    const password = fakeRandom(ALNUM, 16, 601);
    const input = [
      `db_password = "${password}"`,
      `DATABASE_URL=postgres://app:${fakeRandom(ALNUM, 14, 602)}@db.internal:5432/app`,
      `conn = "Server=db;Database=app;User Id=sa;Password=${fakeRandom(ALNUM, 12, 603)};"`,
      'password = "changeme"',
      'api_key: "${API_KEY}"',
    ].join('\n');
    const { report } = scanJson(['-'], { input });
    expect(report.findings.map((f) => [f.line, f.ruleId])).toEqual([
      [1, 'generic-secret-assignment'],
      [2, 'generic-url-credentials'],
      [3, 'generic-db-connection-string'],
    ]);
  });

  it('when a provider rule matches the same span, only the provider finding is reported', () => {
    const key = stripeKey(604);
    const { report } = scanJson(['-', '--explain'], { input: `stripe_secret = "${key}"\nSTRIPE_TOKEN=${key}\n` });
    expect(report.findings.map((f) => f.ruleId)).toEqual(['stripe-secret-key-live', 'stripe-secret-key-live']);
    expect(report.stats.dropped['overlap']).toBe(2);
  });

  it('--explain prints the drops per filter and rule on stderr', () => {
    const { stderr } = scanJson(['-', '--explain'], { input: 'password = "changeme1"\nsk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n' });
    expect(stderr).toMatch(/why candidates were not reported/);
    expect(stderr).toMatch(/placeholder\s+1 .*stripe-secret-key-live 1/);
    expect(stderr).toMatch(/not-credential\s+1 .*generic-secret-assignment 1/);
  });
});
