import { describe, expect, it } from 'vitest';
import { fake, scanFiles } from './util.js';

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A well-formed JWT with a random fake signature, made at test time. */
function jwt(header: object, claims: object, seed: number): string {
  return `${part(header)}.${part(claims)}.${Buffer.from(fake(32, seed)).toString('base64url')}`;
}
const FUTURE = 4102444800; // 2100-01-01
const PAST = 1500000000; // 2017

describe('JWTs', () => {
  it('bare, in an Authorization header and base64-wrapped, with header and safe claims (never the signature)', () => {
    const live = jwt({ alg: 'RS256', typ: 'JWT' }, { iss: 'https://login.keyward-test.internal', aud: 'api', exp: FUTURE, sub: 'svc-7', role: 'admin' }, 501);
    const inHeader = jwt({ alg: 'HS256' }, { iss: 'ci', exp: FUTURE }, 502);
    const wrapped = jwt({ alg: 'ES256' }, { iss: 'wrapped-issuer', exp: FUTURE }, 503);
    const text = [
      `token = "${live}"`,
      `curl -H "Authorization: Bearer ${inHeader}" https://api.internal`,
      `credentials: ${Buffer.from(wrapped).toString('base64')}`,
      '',
    ].join('\n');
    const { findings, stdout } = scanFiles({ 'notes/tokens.txt': text });
    const byLine = new Map(findings.map((f) => [f.line, f]));
    expect(byLine.get(1)?.ruleId).toBe('generic-jwt');
    expect(byLine.get(1)?.secret).toBe(live);
    expect(byLine.get(1)?.jwt).toEqual({ alg: 'RS256', typ: 'JWT', iss: 'https://login.keyward-test.internal', aud: 'api', exp: FUTURE, expired: false });
    expect(byLine.get(2)?.secret).toBe(inHeader);
    expect(byLine.get(3)?.secret).toBe(wrapped);
    expect(byLine.get(3)?.decoded).toEqual(['base64']);
    // Claims other than alg/typ/iss/aud/exp stay inside the token.
    expect(JSON.stringify(findings.map((f) => f.jwt))).not.toMatch(/svc-7|admin/);
    expect(stdout).toContain('"alg": "RS256"');
  });

  it('expired and alg none tokens are reported at a lower severity', () => {
    const live = jwt({ alg: 'HS256' }, { iss: 'a', exp: FUTURE }, 511);
    const expired = jwt({ alg: 'HS256' }, { iss: 'a', exp: PAST }, 512);
    const none = jwt({ alg: 'none' }, { iss: 'a', exp: FUTURE }, 513);
    const { findings } = scanFiles({ 'session.log': `${live}\n${expired}\n${none}\n` });
    const severity = (line: number) => findings.find((f) => f.line === line)?.severity;
    expect(severity(1)).toBe('high');
    expect(severity(2)).toBe('medium');
    expect(severity(3)).toBe('medium');
    expect(findings.find((f) => f.line === 2)?.jwt?.['expired']).toBe(true);
  });

  it('is not fooled by JWT-shaped text that does not decode, or by the textbook example claims', () => {
    const textbook = jwt({ alg: 'HS256', typ: 'JWT' }, { sub: '1234567890', name: 'John Doe', iat: 1516239022 }, 521);
    const text = ['eyJub3QiOiJhIGp3dCJ9.eyJhIjoxfQ.c2ln', 'value = "eyJhbGciOi"', `example: ${textbook}`, ''].join('\n');
    expect(scanFiles({ 'README.txt': text }).findings.map((f) => [f.ruleId, f.line])).toEqual([]);
    // The textbook token is still there at the low floor: lowered, not hidden.
    expect(scanFiles({ 'README.txt': text }, ['--min-confidence', 'low']).findings.map((f) => f.line)).toEqual([3]);
  });
});
