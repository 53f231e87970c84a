import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeRandom, runCli, tempDir } from './helpers.js';

// Keys of the provider families added in the breadth batch (AI, messaging, payments, observability,
// identity, CMS, productivity, social, AWS/Azure variants), made at test time so the repository holds none.
const HEX = '0123456789abcdef';
const UHEX = '0123456789ABCDEF';
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LOWER = '0123456789abcdefghijklmnopqrstuvwxyz';
const UPPER = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;
const uuid = (seed: number) => {
  const h = fakeRandom(HEX, 32, seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const keys = {
  'nvidia-api-key': `nvapi-${fakeRandom(B64URL, 64, 101)}`,
  'langfuse-secret-key': `sk-lf-${uuid(102)}`,
  'paddle-api-key': `pdl_live_apikey_${fakeRandom(LOWER, 26, 103)}_${fakeRandom(ALNUM, 22, 104)}_${fakeRandom(ALNUM, 3, 105)}`,
  'dynatrace-token': `dt0c01.${fakeRandom(UPPER, 24, 106)}.${fakeRandom(UPPER, 64, 107)}`,
  'axiom-token': `xaat-${uuid(108)}`,
  'mailersend-api-token': `mlsn.${fakeRandom(HEX, 64, 109)}`,
  'stytch-secret': `secret-live-${fakeRandom(B64URL, 40, 110)}`,
  'woocommerce-api-key': `cs_${fakeRandom(HEX, 40, 111)}`,
  'trello-token': `ATTA${fakeRandom(HEX, 64, 112)}${fakeRandom(UHEX, 8, 113)}`,
  'pinterest-access-token': `pina_${fakeRandom(B64URL, 120, 114)}`,
  'radar-secret-key': `prj_live_sk_${fakeRandom(HEX, 40, 115)}`,
  'aws-appsync-api-key': `da2-${fakeRandom(LOWER, 26, 116)}`,
};
const twilioSid = `AC${fakeRandom(HEX, 32, 120)}`;
const twilioToken = fakeRandom(HEX, 32, 121);
const functionKey = `${fakeRandom(B64URL, 54, 122)}==`;
// Roles with session policies and tags get session tokens well past 1,000 characters.
const longSessionToken = `IQoJb3JpZ2luX2Vj${fakeRandom(B64, 1400, 123)}`;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface JsonFinding {
  ruleId: string;
  path: string;
  secretSha256: string;
}

function scan(root: string) {
  const result = runCli(['scan', root, '--format', 'json', '--threads', '1', '--quiet']);
  return { status: result.status, stderr: result.stderr, findings: (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings };
}

describe('provider breadth rules through the built CLI', () => {
  it('finds one key of each new family, with the exact secret, in ordinary config files', () => {
    const root = tempDir();
    mkdirSync(join(root, 'deploy'));
    const env = Object.entries(keys)
      .map(([rule, key], i) => `${rule.toUpperCase().replaceAll('-', '_')}_${i}=${key}`)
      .join('\n');
    writeFileSync(join(root, 'deploy', '.env'), `${env}\n`);
    const { status, findings } = scan(root);
    expect(status).toBe(1);
    for (const [rule, key] of Object.entries(keys)) {
      const hits = findings.filter((f) => f.ruleId === rule);
      expect(hits.map((f) => f.secretSha256), rule).toEqual([sha256(key)]);
    }
  });

  it('reports a Twilio auth token written next to its account sid, and a Functions key in a URL', () => {
    const root = tempDir();
    writeFileSync(join(root, 'notify.js'), `const client = require("twilio")("${twilioSid}", "${twilioToken}");\n`);
    writeFileSync(join(root, 'hooks.yml'), `orders: https://acme-orders.azurewebsites.net/api/ProcessOrder?code=${functionKey}\n`);
    const { status, findings } = scan(root);
    expect(status).toBe(1);
    // The paired rule (rules/pairs.yml) reports the token with its sid as one finding.
    expect(findings.filter((f) => f.ruleId === 'twilio-account-credentials').map((f) => f.secretSha256)).toEqual([sha256(twilioToken)]);
    expect(findings.filter((f) => f.ruleId === 'azure-functions-url-key').map((f) => f.secretSha256)).toEqual([sha256(functionKey)]);
  });

  it('finds an AWS session token past 1,000 characters whole, not cut at the old bound', () => {
    const root = tempDir();
    writeFileSync(join(root, 'credentials'), `[ci]\naws_session_token = ${longSessionToken}\n`);
    const { findings } = scan(root);
    const hit = findings.find((f) => f.ruleId === 'aws-session-token');
    expect(hit?.secretSha256).toBe(sha256(longSessionToken));
    // Two provider rules match this span (the session token's own and the credentials-file one): one finding.
    expect(findings.filter((f) => f.secretSha256 === sha256(longSessionToken))).toHaveLength(1);
  });

  it('stays quiet on near misses: placeholders, wrong lengths, prefixes inside words, base64 runs of A', () => {
    const root = tempDir();
    const lines = [
      `NVIDIA_API_KEY=nvapi-...`,
      `PADDLE_API_KEY=pdl_live_apikey_01jkdpbhaz****`,
      `LANGFUSE_SECRET_KEY=sk-lf-00000000-0000-0000-0000-000000000000`,
      `DT_API_TOKEN=dt0c01.${fakeRandom(UPPER, 24, 130)}.<masked>`,
      `consumer_secret=cs_${fakeRandom(HEX, 32, 131)}`,
      `stack_${fakeRandom(HEX, 40, 132)}`,
      `mysecret-live-${fakeRandom(B64URL, 40, 133)}`,
      `HONEYCOMB_DATASET=checkout-service`,
      `MAILERSEND_API_KEY=mlsn.${fakeRandom(ALNUM, 64, 134)}`,
      // A MIME base64 line of a binary that starts with zero bytes, not an X bearer token.
      `AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAAAABAAEAAAIBRAA7${fakeRandom(ALNUM, 40, 135)}`,
      `https://maker.ifttt.com/trigger/door_open/with/key/{your_key}`,
      `TWILIO_URL=https://${twilioSid}:$TWILIO_AUTH_TOKEN@api.twilio.com/2010-04-01`,
    ];
    writeFileSync(join(root, 'near-misses.txt'), `${lines.join('\n')}\n`);
    const { findings } = scan(root);
    // Generic rules judge these lines by name and value, with their own scores; no provider rule may claim one.
    expect(findings.map((f) => f.ruleId).filter((id) => !id.startsWith('generic-'))).toEqual([]);
  });
});
