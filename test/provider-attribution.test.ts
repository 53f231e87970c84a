import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detect } from '../src/engine/detect.js';
import { compileMatcher } from '../src/matcher/index.js';
import { loadRules } from '../src/rules/load.js';
import { breakChecksum, fakeChecksummedToken, fakeRandom, runCli, tempDir } from './helpers.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Context rules key on a provider's name beside a value of a common shape (32 hex, a UUID, 40-64
 * base64). Each case pins a key of one provider that an earlier draft reported under another's name,
 * or twice. Keys are generated here, so no fixture holds one.
 */
const rules = loadRules();
const matcher = compileMatcher(rules);
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const found = (text: string) => detect(matcher, rules, Buffer.from(text, 'utf8')).map((d) => d.rule.id);

describe('provider attribution of context rules', () => {
  it('does not call a Facebook app secret a Symfony APP_SECRET', () => {
    expect(found(`FACEBOOK_APP_SECRET=${hex(16)}`)).not.toContain('symfony-app-secret');
    expect(found(`APP_SECRET=${hex(16)}`)).toContain('symfony-app-secret');
  });

  it('does not call every 32-hex auth_token a Teleport join token', () => {
    expect(found(`TWILIO_AUTH_TOKEN=${hex(16)}`)).not.toContain('teleport-join-token');
    expect(found(`teleport:\n  auth_token: "${hex(16)}"\n`)).toContain('teleport-join-token');
  });

  it('does not call every X-API-Key header a Portainer token', () => {
    const value = randomBytes(30).toString('base64');
    expect(found(`curl -H "X-API-Key: ptr_${value}" https://api.acme.dev`)).not.toContain('portainer-access-token');
    expect(found(`PORTAINER_API_KEY=ptr_${value}`)).toContain('portainer-access-token');
  });

  it('reports a MongoDB Atlas connection string once', () => {
    const password = randomBytes(15).toString('base64url').replace(/[-_]/g, 'q');
    const ids = found(`MONGO_URL=mongodb+srv://app:${password}@cluster0.q7x2mzd.mongodb.net/shop`);
    expect(ids.filter((id) => id.startsWith('mongodb'))).toEqual(['mongodb-connection-uri']);
  });

  it('reports a Rails secret_key_base as Rails only, not also as Phoenix', () => {
    const ids = found(`production:\n  secret_key_base: "${hex(64)}"\n`);
    expect(ids).toContain('rails-secret-key-base');
    expect(ids).not.toContain('phoenix-secret-key-base');
  });

  it('does not take a Mixpanel project token (public by design) for its API secret', () => {
    expect(found(`MIXPANEL_TOKEN=${hex(16)}`)).not.toContain('mixpanel-api-secret');
    expect(found(`MIXPANEL_API_SECRET=${hex(16)}`)).toContain('mixpanel-api-secret');
  });

  it('keeps a generated value that happens to hold no digit, and tells it from a name made of words', () => {
    const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    // About 6 real 16-character base62 secrets in 100 have no digit; these are such values.
    const vonage = fakeRandom(LETTERS, 16, 140);
    const freshdesk = fakeRandom(LETTERS, 20, 141);
    expect(found(`VONAGE_API_SECRET=${vonage}`)).toContain('vonage-api-secret');
    expect(found(`FRESHDESK_API_KEY=${freshdesk}`)).toContain('freshdesk-api-key');
    // Words in camelCase, with an acronym or in one case are names, not a provider's generated value.
    for (const words of ['VonageApiSecretX', 'getAPIKeyForUser', 'vonagesecretname']) expect(found(`VONAGE_API_SECRET=${words}`), words).not.toContain('vonage-api-secret');
  });

  it('a bare value the provider rule finds too plain is left to the generic rules, not dropped with it', () => {
    const root = tempDir('keyward-shape-');
    mkdirSync(join(root, 'app'));
    // One case and no digit: not the Vonage format's shape, still a strong-named credential.
    const plain = fakeRandom('abcdefghijklmnopqrstuvwxyz', 16, 142);
    writeFileSync(join(root, 'app', '.env'), `VONAGE_API_SECRET=${plain}\nGITHUB_TOKEN=${breakChecksum(fakeChecksummedToken('ghp_', 30, 143))}\n`);
    const scan = runCli(['scan', root, '--format', 'json']);
    expect(scan.status, scan.stderr).toBe(1);
    const findings = (JSON.parse(scan.stdout) as { findings: { ruleId: string; line: number }[] }).findings;
    // The generic rule reports line 1; a prefixed token its checksum ruled out (line 2) stays ruled out.
    expect(findings.map((finding) => [finding.ruleId, finding.line])).toEqual([['generic-env-secret', 1]]);
  });
});
