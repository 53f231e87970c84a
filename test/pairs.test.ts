import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, scanChunk } from '../src/engine/index.js';
import type { Rule } from '../src/rules/types.js';
import { fakeRandom, runCli, tempDir } from './helpers.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';

interface JsonFinding {
  ruleId: string;
  path: string;
  line: number;
  secret: string;
  parts?: Record<string, string>;
}

function uuid(seed: number): string {
  const h = fakeRandom(HEX, 32, seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

// Made at test time, never committed: each holds FAKE where its alphabet allows.
const awsId = `AKIA${fakeRandom(BASE32, 12, 1)}FAKE`;
const awsSecret = `${fakeRandom(BASE64, 36, 2)}FAKE`;
const twilioSid = `AC${fakeRandom(HEX, 32, 3)}`;
const twilioToken = fakeRandom(HEX, 32, 4);
const azureClient = uuid(5);
const azureTenant = uuid(6);
const azureSecret = `${fakeRandom(BASE64URL, 3, 7)}8Q~${fakeRandom(BASE64URL, 30, 8)}FAKE`;
const algoliaApp = fakeRandom('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10, 9);
const algoliaKey = fakeRandom(HEX, 32, 10);
const oktaToken = `00${fakeRandom(BASE64URL, 36, 11)}FAKE`;

function scan(dir: string, extra: string[] = []): JsonFinding[] {
  const result = runCli(['scan', '.', '--format', 'json', '--quiet', ...extra], { cwd: dir });
  expect(result.stderr).toBe('');
  expect([0, 1]).toContain(result.status);
  return (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
}

describe('paired secrets through the built CLI', () => {
  const dir = tempDir('keyward-pairs-');
  beforeAll(() => {
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(join(dir, 'config', 'aws.ini'), `[deploy]\naws_access_key_id = ${awsId}\naws_secret_access_key = ${awsSecret}\nregion = eu-west-1\n`);
    writeFileSync(join(dir, 'config', 'twilio.env'), `TWILIO_ACCOUNT_SID=${twilioSid}\nTWILIO_AUTH_TOKEN=${twilioToken}\n`);
    writeFileSync(
      join(dir, 'config', 'azure.json'),
      `{\n  "tenantId": "${azureTenant}",\n  "clientId": "${azureClient}",\n  "clientSecret": "${azureSecret}"\n}\n`,
    );
    writeFileSync(join(dir, 'config', 'search.yml'), `algolia:\n  app_id: ${algoliaApp}\n  admin_api_key: ${algoliaKey}\n`);
    writeFileSync(join(dir, 'config', 'okta.env'), `OKTA_ORG_URL=https://dev-${fakeRandom('0123456789', 7, 12)}.okta.com\nOKTA_API_TOKEN=${oktaToken}\n`);
    // Near misses: an id alone, and an id whose secret is too far away to be its pair.
    writeFileSync(join(dir, 'config', 'only-id.ini'), `aws_access_key_id = ${awsId}\n`);
    writeFileSync(join(dir, 'config', 'far.txt'), `key id ${awsId}\n${'\n'.repeat(8)}blob ${awsSecret}\n`);
    writeFileSync(join(dir, 'config', 'twilio-sid-only.env'), `TWILIO_ACCOUNT_SID=${twilioSid}\nTWILIO_REGION=ie1\n`);
  });

  it('reports each pair as one finding with the id in full and the secret redacted', () => {
    const findings = scan(dir);
    const at = (path: string) => findings.filter((f) => f.path === path);

    const aws = at('config/aws.ini');
    expect(aws).toHaveLength(1);
    expect(aws[0]).toMatchObject({ ruleId: 'aws-access-key-pair', line: 3, parts: { id: awsId } });
    expect(aws[0]!.secret).not.toContain(awsSecret);
    expect(aws[0]!.secret.length).toBeLessThan(10);

    expect(at('config/twilio.env')).toMatchObject([{ ruleId: 'twilio-account-credentials', line: 2, parts: { account_sid: twilioSid } }]);
    expect(at('config/azure.json')).toMatchObject([{ ruleId: 'azure-entra-app-credentials', line: 4, parts: { client_id: azureClient, tenant_id: azureTenant } }]);
    expect(at('config/search.yml')).toMatchObject([{ ruleId: 'algolia-admin-key-pair', line: 3, parts: { app_id: algoliaApp } }]);
    expect(at('config/okta.env')).toMatchObject([{ ruleId: 'okta-api-token-pair', line: 2 }]);
    expect(at('config/okta.env')[0]!.parts!['domain']).toMatch(/^dev-\d{7}\.okta\.com$/);

    const everything = JSON.stringify(findings);
    for (const secret of [awsSecret, twilioToken, azureSecret, algoliaKey, oktaToken]) expect(everything).not.toContain(secret);
  });

  it('leaves an id without its secret to the single-part rule, and pairs nothing across a wide gap', () => {
    const findings = scan(dir);
    expect(findings.filter((f) => f.path === 'config/only-id.ini').map((f) => f.ruleId)).toEqual(['aws-access-key-id']);
    const far = findings.filter((f) => f.path === 'config/far.txt');
    expect(far.map((f) => f.ruleId)).toEqual(['aws-access-key-id']);
    expect(far[0]!.parts).toBeUndefined();
    expect(findings.filter((f) => f.path === 'config/twilio-sid-only.env')).toEqual([]);
  });

  it('prints the secret in full only with --no-redact', () => {
    const revealed = scan(dir, ['--no-redact']).find((f) => f.path === 'config/aws.ini')!;
    expect(revealed.secret).toBe(awsSecret);
    expect(revealed.parts).toEqual({ id: awsId });
  });

  it('names the parts in the text report', () => {
    const result = runCli(['scan', 'config/aws.ini'], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`aws-access-key-pair  `);
    expect(result.stdout).toContain(`(with id ${awsId})`);
    expect(result.stdout).not.toContain(awsSecret);
  });

  it('carries the parts into SARIF result properties', () => {
    const result = runCli(['scan', 'config/twilio.env', '--format', 'sarif'], { cwd: dir });
    expect(result.status).toBe(1);
    const sarif = JSON.parse(result.stdout) as { runs: { results: { ruleId: string; properties: { parts?: Record<string, string> } }[] }[] };
    expect(sarif.runs[0]!.results).toMatchObject([{ ruleId: 'twilio-account-credentials', properties: { parts: { account_sid: twilioSid } } }]);
    expect(result.stdout).not.toContain(twilioToken);
  });
});

describe('pair rules in a custom rule file', () => {
  const dir = tempDir('keyward-pair-rules-');

  it('rejects a part without a window, naming the file and field', () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(
      file,
      [
        'rules:',
        '  - id: acme-pair',
        '    name: Acme pair',
        '    description: test rule',
        '    severity: high',
        '    keywords: [acme]',
        "    pattern: 'acme_secret=([a-z0-9]{16})'",
        '    requires:',
        '      - part: id',
        "        pattern: 'acme_id=([0-9]{6})'",
        '    examples:',
        "      - { text: 'acme_id=123456 acme_secret=q8lm2zt9xbv4krn7', secret: q8lm2zt9xbv4krn7 }",
        "      - { text: 'acme_id=654321 acme_secret=h3nq8rw2ty6ui0op', secret: h3nq8rw2ty6ui0op }",
        "    negative_examples: ['acme_secret=q8lm2zt9xbv4krn7']",
        '',
      ].join('\n'),
    );
    const result = runCli(['rules', 'check', '--rules', file]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/bad\.yml:9.*rules\.0\.requires\.0: missing required field 'near'/);
  });

  it('checks that examples yield their parts and that a lone secret is a negative', () => {
    const file = join(dir, 'good.yml');
    writeFileSync(
      file,
      [
        'rules:',
        '  - id: acme-pair',
        '    name: Acme pair',
        '    description: test rule',
        '    severity: high',
        '    keywords: [acme]',
        "    pattern: 'acme_secret=([a-z0-9]{16})'",
        '    requires:',
        '      - part: id',
        "        pattern: 'acme_id=([0-9]{6})'",
        '        near: { bytes: 40 }',
        '    examples:',
        "      - { text: 'acme_id=123456 acme_secret=q8lm2zt9xbv4krn7', secret: q8lm2zt9xbv4krn7, parts: { id: '123456' } }",
        "      - { text: 'acme_id=654321 acme_secret=h3nq8rw2ty6ui0op', secret: h3nq8rw2ty6ui0op, parts: { id: '999999' } }",
        "    negative_examples: ['acme_secret=q8lm2zt9xbv4krn7', 'acme_id=123456 ---------------------------------------------- acme_secret=q8lm2zt9xbv4krn7']",
        '',
      ].join('\n'),
    );
    const result = runCli(['rules', 'check', '--rules', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('example 2: part id is "654321", expected "999999"');
    expect(result.stderr).not.toContain('negative example');
    expect(result.stderr).not.toContain('example 1');
  });
});

describe('resolvePairs (src/engine/pairs.ts) through scanChunk', () => {
  const base = {
    name: 'Acme pair',
    description: 'test rule',
    severity: 'high' as const,
    precision: 'high' as const,
    tags: [],
    keywords: ['acme'],
    allowPlaceholders: false,
    references: [],
    examples: [],
    negativeExamples: [],
    source: { file: 'test.yml', line: 1 },
  };
  const pairRule: Rule = {
    ...base,
    id: 'acme-pair',
    pattern: 'acme_secret=([a-z0-9]{16})',
    requires: [{ name: 'id', pattern: 'acme_id=([0-9]{6})', near: { lines: 2 } }],
  };
  const idRule: Rule = { ...base, id: 'acme-id', pattern: 'acme_id=([0-9]{6})' };
  const engine = createEngine([pairRule, idRule], { revealSecrets: true });
  const scan = (text: string) => scanChunk(engine, Buffer.from(text), { path: 'x.txt' });

  it('takes the nearest id within the window and drops the id-only finding it covers', () => {
    const findings = scan('acme_id=418305\n\nacme_id=902716\nacme_secret=q8lm2zt9xbv4krn7\n');
    expect(findings.map((f) => [f.ruleId, f.line, f.parts?.['id']])).toEqual([
      ['acme-id', 1, undefined],
      ['acme-pair', 4, '902716'],
    ]);
  });

  it('counts lines between the spans, not from line starts: two lines apart is in, three is out', () => {
    expect(scan('acme_id=418305\n\n\nacme_secret=q8lm2zt9xbv4krn7\n').map((f) => f.ruleId)).toEqual(['acme-id']);
    expect(scan('acme_secret=q8lm2zt9xbv4krn7\n\nacme_id=418305\n').map((f) => f.ruleId)).toEqual(['acme-pair']);
  });

  it('never reports a hidden part rule by itself', () => {
    const only = createEngine([pairRule], { revealSecrets: true });
    expect(scanChunk(only, Buffer.from('acme_id=418305\n'), { path: 'x.txt' })).toEqual([]);
  });
});
