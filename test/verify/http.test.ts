import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/engine/finding.js';
import { checkEndpoint, retryAfterMs, scrubDetail } from '../../src/verify/http.js';
import { ProviderVerifier } from '../../src/verify/provider-verifier.js';
import { PROVIDERS } from '../../src/verify/providers/index.js';
import { signV4 } from '../../src/verify/sigv4.js';
import type { VerifyCandidate, VerifyContext } from '../../src/verify/types.js';
import { fakeRandom } from '../helpers.js';
import { json, standIn } from './stand-in.js';

const server = await standIn();
const other = await standIn();

const fakeToken = () => `ghp_FAKE${fakeRandom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 32, Math.floor(Math.random() * 1e9))}`;
const candidate = (secret = fakeToken(), verify = 'github-user', parts?: Record<string, string>): VerifyCandidate => ({
  ruleId: 'github-personal-access-token',
  verify,
  secret,
  secretSha256: sha256Hex(secret),
  ...(parts === undefined ? {} : { parts }),
});
const context = (overrides: Partial<VerifyContext> = {}): VerifyContext => ({
  endpoints: new Map([['github-user', server.base]]),
  timeoutMs: 5000,
  deadline: Date.now() + 20_000,
  warn: () => undefined,
  ...overrides,
});
const user = { login: 'fake-octocat', id: 1 };

describe('endpoints', () => {
  it('allows https anywhere and http only to loopback', () => {
    expect(checkEndpoint('https://ghe.example.invalid/api/v3', 'x').hostname).toBe('ghe.example.invalid');
    for (const url of ['http://127.0.0.1:9', 'http://127.8.9.10/x', 'http://localhost:8080', 'http://[::1]:9/']) expect(() => checkEndpoint(url, 'x')).not.toThrow();
    for (const url of ['http://example.invalid', 'http://10.0.0.1', 'http://128.0.0.1', 'http://127.0.0.1.example.invalid', 'ftp://127.0.0.1/', 'file:///etc/passwd']) {
      expect(() => checkEndpoint(url, '--validate-endpoint github-user')).toThrow(/--validate-endpoint github-user: .* is not allowed/);
    }
    expect(() => checkEndpoint('not a url', 'x')).toThrow(/not a URL/);
  });

  it('a Mailchimp key names its data centre; other providers have one base URL', () => {
    const mailchimp = PROVIDERS.get('mailchimp-ping')!;
    expect(typeof mailchimp.baseUrl === 'function' && mailchimp.baseUrl(candidate(`${'0'.repeat(31)}f-us14`, 'mailchimp-ping'))).toBe('https://us14.api.mailchimp.com');
    for (const spec of PROVIDERS.values()) {
      const base = typeof spec.baseUrl === 'string' ? spec.baseUrl : spec.baseUrl(candidate('x-us1', spec.name));
      expect(base.startsWith('https://'), spec.name).toBe(true);
    }
  });
});

describe('the HTTP client', () => {
  it('asks once per distinct secret in a run, however many findings share it', async () => {
    server.received.length = 0;
    server.handle((_request, response) => json(response, 200, user));
    const verifier = new ProviderVerifier();
    const one = candidate();
    const results = await verifier.verify([one, { ...one }, { ...one, ruleId: 'other' }], context());
    const again = await verifier.verify([one], context());
    expect(results.get(one.secretSha256)?.status).toBe('live');
    expect(again.get(one.secretSha256)?.status).toBe('live');
    expect(server.received).toHaveLength(1);
  });

  it('follows a redirect on the same host, never one to another host', async () => {
    server.handle((request, response) => {
      if (request.url === '/moved/user') json(response, 200, user);
      else if (request.url === '/same/user') json(response, 301, {}, { location: '/moved/user' });
      else json(response, 302, {}, { location: `${other.base}/user` });
    });
    other.received.length = 0;
    other.handle((_request, response) => json(response, 200, user));
    const verifier = new ProviderVerifier();
    const same = await verifier.verify([candidate()], context({ endpoints: new Map([['github-user', `${server.base}/same`]]) }));
    expect([...same.values()][0]).toMatchObject({ status: 'live' });
    const away = await verifier.verify([candidate()], context({ endpoints: new Map([['github-user', `${server.base}/away`]]) }));
    expect([...away.values()][0]).toEqual({ status: 'unknown', by: 'github-user', reason: 'redirect-to-other-host' });
    expect(other.received).toHaveLength(0);
  });

  it('waits out a Retry-After inside the budget, then takes the answer', async () => {
    server.received.length = 0;
    server.handle((_request, response) => {
      if (server.received.length === 1) json(response, 429, { message: 'slow down' }, { 'retry-after': '1' });
      else json(response, 200, user);
    });
    const results = await new ProviderVerifier().verify([candidate()], context());
    expect([...results.values()][0]).toMatchObject({ status: 'live' });
    expect(server.received).toHaveLength(2);
    expect(server.received[1]!.at - server.received[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('a 429 without Retry-After is rate-limited at once; network errors are unknown', async () => {
    server.handle((_request, response) => json(response, 429, { message: 'slow down' }));
    const limited = await new ProviderVerifier().verify([candidate()], context());
    expect([...limited.values()][0]).toEqual({ status: 'unknown', by: 'github-user', reason: 'rate-limited' });
    const gone = await standIn();
    await gone.close(); // a port that was just listening and now refuses
    const closed = await new ProviderVerifier().verify([candidate()], context({ endpoints: new Map([['github-user', gone.base]]) }));
    expect([...closed.values()][0]).toEqual({ status: 'unknown', by: 'github-user', reason: 'network' });
  });

  it('past the run deadline, what is left is unknown (budget) and nothing is sent', async () => {
    server.received.length = 0;
    server.handle((_request, response) => json(response, 200, user));
    const results = await new ProviderVerifier().verify([candidate(), candidate()], context({ deadline: Date.now() - 1 }));
    expect([...results.values()].map((result) => result.reason)).toEqual(['budget', 'budget']);
    expect(server.received).toHaveLength(0);
  });

  it('a request cut short by the deadline is budget, not timeout', async () => {
    server.handle(() => undefined);
    const results = await new ProviderVerifier().verify([candidate()], context({ deadline: Date.now() + 200, timeoutMs: 10_000 }));
    expect([...results.values()][0]).toEqual({ status: 'unknown', by: 'github-user', reason: 'budget' });
  });

  it('a skipped provider is not asked at all', async () => {
    server.received.length = 0;
    const verifier = new ProviderVerifier({ skip: new Set(['github-user']) });
    expect(verifier.appliesTo(candidate())).toBe(false);
    expect((await verifier.verify([candidate()], context())).size).toBe(0);
    expect(server.received).toHaveLength(0);
  });

  it('an oversized body is not an answer', async () => {
    server.handle((_request, response) => json(response, 200, { ...user, padding: 'x'.repeat(300 * 1024) }));
    const results = await new ProviderVerifier().verify([candidate()], context());
    expect([...results.values()][0]).toEqual({ status: 'unknown', by: 'github-user', reason: 'body-too-large' });
  });

  it('detail never carries the key, even when the provider echoes it', () => {
    const secret = fakeToken();
    expect(scrubDetail({ login: 'fake', note: `token ${secret}`, prefix: `${secret.slice(0, 14)}…`, list: ['ok', secret] }, secret)).toEqual({ login: 'fake', list: ['ok'] });
    const echoing = async () => {
      server.handle((_request, response) => json(response, 200, { login: secret, id: 7 }));
      return new ProviderVerifier().verify([candidate(secret)], context());
    };
    return echoing().then((results) => expect(JSON.stringify([...results.values()])).not.toContain(secret));
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('paired secrets', () => {
  it('aws-sts, twilio-account and an account-owned Cloudflare token say needs-pair without their part, and send nothing', async () => {
    server.received.length = 0;
    const endpoints = new Map(['aws-sts', 'twilio-account', 'cloudflare-token-verify'].map((name) => [name, server.base] as const));
    const verifier = new ProviderVerifier();
    const cases = [candidate('FAKE'.repeat(10), 'aws-sts'), candidate('0f'.repeat(16), 'twilio-account'), candidate(`cfat_FAKE${'0'.repeat(44)}`, 'cloudflare-token-verify')];
    const results = await verifier.verify(cases, context({ endpoints }));
    expect([...results.values()].map((result) => [result.by, result.status, result.reason])).toEqual([
      ['aws-sts', 'unknown', 'needs-pair'],
      ['twilio-account', 'unknown', 'needs-pair'],
      ['cloudflare-token-verify', 'unknown', 'needs-pair'],
    ]);
    expect(server.received).toHaveLength(0);
  });

  it('signs STS requests with SigV4 exactly as the AWS documentation example', () => {
    // The example credentials and expected signature published in AWS's "Signature Version 4" guide.
    const headers = signV4({
      method: 'GET',
      url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: '',
      region: 'us-east-1',
      service: 'iam',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: ['wJalrXUtnFEMI', 'K7MDENG+bPxRfiCYEXAMPLEKEY'].join('/'),
      amzDate: '20150830T123600Z',
    });
    expect(headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
  });
});
