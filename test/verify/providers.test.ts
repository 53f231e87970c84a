import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/engine/finding.js';
import { ProviderVerifier } from '../../src/verify/provider-verifier.js';
import { PROVIDERS } from '../../src/verify/providers/index.js';
import type { Verification, VerifyCandidate } from '../../src/verify/types.js';
import { PROVIDER_CASES, type Answer, type ProviderCase } from './provider-cases.js';
import { FIREWALL_PAGE, json, standIn, type Received } from './stand-in.js';

const server = await standIn();

function candidateFor(test: ProviderCase): VerifyCandidate {
  const secret = test.secret();
  return { ruleId: `rule-for-${test.name}`, verify: test.name, secret, secretSha256: sha256Hex(secret), ...(test.parts === undefined ? {} : { parts: test.parts() }) };
}

/** One provider asked about one secret through the real client, the stand-in playing the provider. */
async function ask(test: ProviderCase, answer: ((request: Received) => Answer | 'hang') | Answer | 'hang', options: { timeoutMs?: number; budgetMs?: number } = {}) {
  const candidate = candidateFor(test);
  server.received.length = 0;
  server.handle((request, response) => {
    const reply = typeof answer === 'function' ? answer(request) : answer;
    if (reply === 'hang') return; // never answers: the client's timeout must end it
    json(response, reply.status, reply.body, reply.headers, reply.contentType);
  });
  const verifier = new ProviderVerifier();
  const results = await verifier.verify([candidate], {
    endpoints: new Map([[test.name, `${server.base}/${test.name}`]]),
    timeoutMs: options.timeoutMs ?? 5000,
    deadline: Date.now() + (options.budgetMs ?? 20_000),
    warn: () => undefined,
  });
  return { candidate, result: results.get(candidate.secretSha256)!, received: [...server.received] };
}

function expectedPath(test: ProviderCase, candidate: VerifyCandidate): string {
  const path = typeof test.path === 'function' ? test.path(candidate.secret) : test.path.replace('{id}', candidate.parts?.['id'] ?? '');
  return `/${test.name}${path}`;
}

/** Whether the request carried the secret: in a header, inside HTTP Basic, or in the path (Telegram). */
function carried(request: Received, secret: string): boolean {
  if (request.url.includes(secret)) return true;
  return Object.values(request.headers).some((value) => {
    const text = String(value);
    if (text.includes(secret)) return true;
    const basic = /^Basic (.+)$/.exec(text);
    return basic !== null && Buffer.from(basic[1]!, 'base64').toString('utf8').includes(secret);
  });
}

function expectNotLive(result: Verification, reason: string | RegExp) {
  expect(result.status).toBe('unknown');
  expect(result.detail).toBeUndefined();
  if (typeof reason === 'string') expect(result.reason).toBe(reason);
  else expect(result.reason).toMatch(reason);
}

describe('every provider check has a stand-in case', () => {
  it('covers the whole registry, and the registry holds at least 30 providers', () => {
    expect(PROVIDERS.size).toBeGreaterThanOrEqual(30);
    expect(new Set(PROVIDER_CASES.map((test) => test.name))).toEqual(new Set(PROVIDERS.keys()));
  });
});

describe.each(PROVIDER_CASES.map((test) => [test.name, test] as const))('%s', (_name, test) => {
  it("is live on the provider's documented success, with non-secret detail", async () => {
    const { candidate, result, received } = await ask(test, test.live);
    expect(result).toMatchObject({ status: 'live', by: test.name });
    expect(result.detail ?? {}).toMatchObject(test.detail);
    expect(JSON.stringify(result)).not.toContain(candidate.secret);
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe(test.method);
    expect(received[0]!.url).toBe(expectedPath(test, candidate));
    if (test.carries === 'sigv4') {
      expect(carried(received[0]!, candidate.secret)).toBe(false);
      expect(String(received[0]!.headers['authorization'])).toContain(`Credential=${candidate.parts!['id']}/`);
    } else {
      expect(carried(received[0]!, candidate.secret)).toBe(true);
    }
  });

  it("is invalid on the provider's documented refusal", async () => {
    const { result, received } = await ask(test, test.refused);
    expect(result).toEqual({ status: 'invalid', by: test.name });
    expect(received).toHaveLength(1); // no retry on a refusal
  });

  it('is unknown, never live, behind a firewall page (403 text/html)', async () => {
    const { result } = await ask(test, { status: 403, body: FIREWALL_PAGE, contentType: 'text/html; charset=UTF-8' });
    expectNotLive(result, 'unexpected-status 403 text/html');
  });

  it('is unknown on a 429 whose Retry-After is past the run budget, and does not retry', async () => {
    const { result, received } = await ask(test, { status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '3600' } }, { budgetMs: 5000 });
    expectNotLive(result, 'rate-limited');
    expect(received).toHaveLength(1);
  });

  it('is unknown when the provider does not answer in time', async () => {
    const { result } = await ask(test, 'hang', { timeoutMs: 150 });
    expectNotLive(result, 'timeout');
  });

  it('is unknown on a success status whose body has the wrong shape', async () => {
    const wrong = test.wrongShape ?? { status: 200, body: { unexpected: true } };
    const { result } = await ask(test, wrong);
    expectNotLive(result, 'bad-shape');
  });

  it("is unknown when the success body comes as HTML, not the documented format", async () => {
    const { result } = await ask(test, { ...test.live, contentType: 'text/html' });
    expectNotLive(result, /^unexpected-status 200 text\/html$|^bad-shape$/);
  });
});

describe('refusals that come with a 200', () => {
  const byName = (name: string) => PROVIDER_CASES.find((test) => test.name === name)!;

  it('a Cloudflare token that exists but is disabled or expired is invalid, not live', async () => {
    for (const status of ['disabled', 'expired']) {
      const { result } = await ask(byName('cloudflare-token-verify'), { status: 200, body: { success: true, errors: [], messages: [], result: { id: 'f267e341f3dd4697bd3b9f71dd96247f', status } } });
      expect(result).toEqual({ status: 'invalid', by: 'cloudflare-token-verify' });
    }
  });

  it('Cohere answering valid: false is invalid; a 200 with only a message is not', async () => {
    expect((await ask(byName('cohere-check-api-key'), { status: 200, body: { valid: false } })).result.status).toBe('invalid');
    expect((await ask(byName('cohere-check-api-key'), { status: 200, body: { message: 'hello' } })).result).toMatchObject({ status: 'unknown', reason: 'bad-shape' });
  });
});

describe('a working key without permission is not invalid', () => {
  const byName = (name: string) => PROVIDER_CASES.find((test) => test.name === name)!;
  const cases: [string, number, unknown][] = [
    ['figma-me', 403, { status: 403, err: 'Invalid scope(s): current_user:read. This endpoint requires the current_user:read scope' }],
    ['vercel-user', 403, { error: { code: 'forbidden', message: "You don't have permission to read this user." } }],
    ['sendgrid-scopes', 403, { errors: [{ field: null, message: 'access forbidden' }] }],
    ['github-user', 403, { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest' }],
    ['stripe-account', 403, { error: { type: 'invalid_request_error', message: 'The provided key does not have the required permissions for this endpoint.' } }],
  ];
  it.each(cases)('%s answering %i with a permission error is unknown', async (name, status, body) => {
    const { result } = await ask(byName(name), { status, body });
    expect(result).toMatchObject({ status: 'unknown', reason: `unexpected-status ${status} application/json` });
  });
});
