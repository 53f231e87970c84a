import { describe, expect, it } from 'vitest';
import { expectCases, fake, scanFiles } from './util.js';

describe('generic credentials in HTTP', () => {
  it('Authorization Basic (decoded: the password half), Bearer, Token, X-Api-Key, query parameters', () => {
    const [user, pass, bearer, token, key, q1, q2] = ['deploy', fake(12, 301), fake(24, 302), fake(20, 303), fake(22, 304), fake(18, 305), fake(16, 306)];
    const basic = Buffer.from(`${user}:${pass}`).toString('base64');
    expectCases('docs/requests.sh', [
      { text: `curl -H "Authorization: Basic ${basic}" https://ci.internal`, secret: pass, rule: 'generic-http-auth' },
      { text: `headers = {"Authorization": "Bearer ${bearer}"}`, secret: bearer },
      { text: `Authorization: Token ${token}`, secret: token },
      { text: `curl -H "X-Api-Key: ${key}" https://api.internal/v1`, secret: key },
      { text: `fetch("https://api.weather.internal/v1/now?city=Oslo&api_key=${q1}")`, secret: q1, rule: 'generic-url-query-secret' },
      { text: `GET /export?format=csv&access_token=${q2} HTTP/1.1`, secret: q2 },
      { text: 'Authorization: Bearer ${TOKEN}' },
      { text: 'Authorization: Bearer <token>' },
      { text: "headers['Authorization'] = 'Bearer ' + token" },
      { text: 'The bearer token expires after an hour.' },
      { text: 'https://api.internal/v1/now?api_key=YOUR_API_KEY' },
      { text: 'https://example.org/search?q=token&page=2' },
      { text: `curl -H "Authorization: Basic ${Buffer.from('user:password').toString('base64')}" https://ci.internal` },
    ]);
  });

  it('redacts Basic-auth findings to the password, never the encoded credential', () => {
    const pass = fake(16, 311);
    const basic = Buffer.from(`svc-account:${pass}`).toString('base64');
    const { findings, stdout } = scanFiles({ 'calls.http': `GET /v1/report\nAuthorization: Basic ${basic}\n` }, [], true);
    expect(findings).toHaveLength(1);
    // Only the start of the password shows (a few characters, fewer for a weak secret).
    expect(findings[0]!.secret).toMatch(/^.{1,4}…$/);
    expect(pass.startsWith(findings[0]!.secret.slice(0, -1))).toBe(true);
    expect(stdout).not.toContain(pass);
    expect(stdout).not.toContain(basic);
  });
});
