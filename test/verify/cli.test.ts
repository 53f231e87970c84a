import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeChecksummedToken, fakeRandom, runCli, tempDir } from '../helpers.js';
import { FIREWALL_PAGE, json, runCliAsync, standIn, type Received } from './stand-in.js';

const server = await standIn();
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

interface JsonFinding {
  ruleId: string;
  secret: string;
  secretSha256: string;
  verification: { status: string; by: string; reason?: string; detail?: Record<string, unknown> };
}

/** A rule for test tokens that asks github-user, so a scan can be pointed at a stand-in. */
const FAKE_RULE = `rules:
  - id: fake-ci-token
    verify: github-user
    name: Fake CI token
    description: A token format that exists only in these tests.
    severity: high
    keywords: [FAKEci_]
    pattern: '(FAKEci_[0-9A-Za-z]{24})(?:[^0-9A-Za-z]|$)'
    examples:
      - { text: 'CI_TOKEN=FAKEci_q7Hw2LmZx9Tc4RbN8vKd3YsP', secret: 'FAKEci_q7Hw2LmZx9Tc4RbN8vKd3YsP' }
      - { text: 'token: FAKEci_G5nQ1wE8rT6yU2iO9pA4sD7f', secret: 'FAKEci_G5nQ1wE8rT6yU2iO9pA4sD7f' }
    negative_examples: ['FAKEci_short']
`;

const dir = tempDir('keyward-validate-');
const rulesDir = join(dir, 'rules');
const tokens = Array.from({ length: 1000 }, (_, index) => `FAKEci_${fakeRandom(ALNUM, 20, index + 1)}${String(index).padStart(4, '0')}`);
/** The stand-in's verdict on each token: a third live, a third refused, a third behind a firewall page. */
const verdictOf = (token: string) => Number(token.slice(-4)) % 3;
const bySha = new Map(tokens.map((token) => [createHash('sha256').update(token).digest('hex'), token] as const));

beforeAll(() => {
  mkdirSync(rulesDir);
  writeFileSync(join(rulesDir, 'fake.yml'), FAKE_RULE);
  mkdirSync(join(dir, 'tree'));
  writeFileSync(join(dir, 'tree', 'ci.env'), tokens.map((token, index) => `TOKEN_${index}=${token}`).join('\n'));
  mkdirSync(join(dir, 'small'));
  writeFileSync(join(dir, 'small', 'ci.env'), tokens.slice(0, 3).map((token, index) => `TOKEN_${index}=${token}`).join('\n'));
});

function answerByToken(request: Received, response: import('node:http').ServerResponse): void {
  const token = String(request.headers['authorization'] ?? '').replace(/^Bearer /, '');
  const verdict = verdictOf(token);
  if (verdict === 0) json(response, 200, { login: `fake-${token.slice(-4)}`, id: Number(token.slice(-4)) });
  else if (verdict === 1) json(response, 401, { message: 'Bad credentials' });
  else json(response, 403, FIREWALL_PAGE, {}, 'text/html');
}

const endpoint = () => `github-user=${server.base}`;

describe('scan without --validate', () => {
  it('opens no network connection at all, though the findings name providers; with --validate it does', async () => {
    // A preload that records every socket the CLI process tries to open, before keyward's code runs.
    const watch = join(dir, 'watch-net.mjs');
    const log = join(dir, 'net.log');
    writeFileSync(
      watch,
      `import net from 'node:net';\nimport { appendFileSync } from 'node:fs';\nconst connect = net.Socket.prototype.connect;\nnet.Socket.prototype.connect = function (...args) {\n  const first = Array.isArray(args[0]) ? args[0][0] : args[0];\n  const target = typeof first === 'object' ? first : { port: first, host: args[1] };\n  appendFileSync(process.env.KEYWARD_TEST_NET_LOG, JSON.stringify({ host: target.host, port: target.port, path: target.path }) + '\\n');\n  return connect.apply(this, args);\n};\n`,
    );
    const env = { NODE_OPTIONS: `--import=${watch}`, KEYWARD_TEST_NET_LOG: log };
    const tree = join(dir, 'builtin');
    mkdirSync(tree);
    writeFileSync(join(tree, 'ci.env'), `GITHUB_TOKEN=${fakeChecksummedToken('ghp_')}\nCI_TOKEN=${tokens[0]}\n`);
    writeFileSync(log, '');
    server.received.length = 0;
    server.handle(answerByToken);

    const builtin = await runCliAsync(['scan', tree, '--format', 'json'], { env });
    expect(builtin.status).toBe(1);
    const found = (JSON.parse(builtin.stdout) as { findings: JsonFinding[] }).findings;
    expect(found.map((finding) => finding.ruleId)).toContain('github-personal-access-token');
    expect(found.every((finding) => finding.verification.status === 'unverified')).toBe(true);
    const custom = await runCliAsync(['scan', tree, '--rules', rulesDir, '--no-builtin-rules', '--format', 'json'], { env });
    expect((JSON.parse(custom.stdout) as { findings: JsonFinding[] }).findings.every((finding) => finding.verification.status === 'unverified')).toBe(true);
    expect(readFileSync(log, 'utf8')).toBe('');
    expect(server.received).toEqual([]);

    // The same watch sees the requests --validate makes, so its silence above means something.
    const validated = await runCliAsync(['scan', tree, '--rules', rulesDir, '--no-builtin-rules', '--format', 'json', '--validate', '--validate-endpoint', endpoint()], { env });
    expect(validated.status).toBe(1);
    const opened = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { host?: string; port?: number | string });
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.every((target) => target.host === '127.0.0.1' && String(target.port) === new URL(server.base).port)).toBe(true);
    expect(server.received).toHaveLength(1);
  });

  it('a --validate-* flag without --validate is a usage error, before anything is sent', async () => {
    server.received.length = 0;
    const result = await runCliAsync(['scan', join(dir, 'small'), '--rules', rulesDir, '--no-builtin-rules', '--validate-endpoint', endpoint()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--validate-endpoint needs --validate');
    expect(server.received).toEqual([]);
  });

  it('scan --help says plainly that --validate sends each candidate to its provider', () => {
    const help = runCli(['scan', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain("This SENDS EACH CANDIDATE SECRET to its provider's API");
    expect(help.stdout).toContain('off by default');
  });

  it('bad validation flags are one-line usage errors', () => {
    const cases: [string[], RegExp][] = [
      [['--validate-endpoint', 'github-user=http://example.invalid'], /--validate-endpoint github-user: http:\/\/example\.invalid is not allowed/],
      [['--validate-endpoint', 'no-such-check=https://x.invalid'], /no provider check named 'no-such-check'/],
      [['--validate-endpoint', 'github-user'], /expected NAME=URL/],
      [['--validate-timeout', 'soon'], /--validate-timeout: expected a duration/],
      [['--validate-rate', 'github-user=fast'], /--validate-rate github-user: expected a positive number/],
    ];
    for (const [flags, message] of cases) {
      const result = runCli(['scan', join(dir, 'small'), '--rules', rulesDir, '--no-builtin-rules', '--validate', ...flags]);
      expect(result.status, flags.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('scan --validate', () => {
  it('on 1,000 distinct candidates keeps the rate limit, finishes within the budget and drops no finding', async () => {
    server.received.length = 0;
    server.handle(answerByToken);
    const rate = 250;
    const result = await runCliAsync(['scan', join(dir, 'tree'), '--rules', rulesDir, '--no-builtin-rules', '--format', 'json', '--validate', '--validate-endpoint', endpoint(), '--validate-rate', `github-user=${rate}`, '--validate-budget', '60s']);
    expect(result.status).toBe(1);
    const findings = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings).toHaveLength(1000);
    expect(server.received).toHaveLength(1000); // one request per distinct secret
    const counts = { live: 0, invalid: 0, unknown: 0 };
    for (const finding of findings) {
      const token = bySha.get(finding.secretSha256)!;
      const expected = ['live', 'invalid', 'unknown'][verdictOf(token)]!;
      expect(finding.verification.status).toBe(expected);
      expect(finding.verification.by).toBe('github-user');
      counts[expected as keyof typeof counts]++;
      if (expected === 'unknown') expect(finding.verification.reason).toBe('unexpected-status 403 text/html');
      expect(finding.secret).not.toBe(token); // redacted in the report, as always
    }
    expect(counts).toEqual({ live: 334, invalid: 333, unknown: 333 });
    // In any one-second window: at most `rate` requests, plus the bucket's small start-up burst, plus 2% for
    // arrival jitter (the server timestamps arrivals; on a busy machine sent requests can land in a clump).
    const times = server.received.map((request) => request.at).sort((a, b) => a - b);
    let worst = 0;
    for (let start = 0, end = 0; end < times.length; end++) {
      while (times[end]! - times[start]! >= 1000) start++;
      worst = Math.max(worst, end - start + 1);
    }
    expect(worst).toBeLessThanOrEqual(Math.ceil(rate * 1.02) + 4);
    expect(result.stderr).toContain('validated 1000 distinct secret(s): 334 live, 333 invalid, 333 unknown');
    expect(result.stdout + result.stderr).not.toContain(tokens[0]);
  });

  it('when the budget runs out, the rest are unknown (budget) and still reported', async () => {
    server.received.length = 0;
    server.handle(answerByToken);
    const result = await runCliAsync(['scan', join(dir, 'tree'), '--rules', rulesDir, '--no-builtin-rules', '--format', 'json', '--validate', '--validate-endpoint', endpoint(), '--validate-rate', 'github-user=40', '--validate-budget', '1s']);
    expect(result.status).toBe(1);
    const findings = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings).toHaveLength(1000);
    const budget = findings.filter((finding) => finding.verification.reason === 'budget').length;
    expect(budget).toBeGreaterThan(900);
    // Sent, less those cut off by the deadline while in flight (at most the provider's concurrency).
    expect(server.received.length).toBeGreaterThanOrEqual(1000 - budget);
    expect(server.received.length).toBeLessThanOrEqual(1000 - budget + 4);
    expect(findings.every((finding) => ['live', 'invalid', 'unknown'].includes(finding.verification.status))).toBe(true);
  });

  it('--only-live keeps only what the provider proved live', async () => {
    server.handle(answerByToken);
    const result = await runCliAsync(['scan', join(dir, 'small'), '--rules', rulesDir, '--no-builtin-rules', '--format', 'json', '--validate', '--validate-endpoint', endpoint(), '--only-live']);
    const findings = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.map((finding) => finding.verification)).toEqual([{ status: 'live', by: 'github-user', detail: { login: 'fake-0000', id: '0' } }]);
  });

  it('--validate-skip leaves a provider alone (and a path after a repeatable flag is still a path)', async () => {
    server.received.length = 0;
    const result = await runCliAsync(['scan', '--rules', rulesDir, '--no-builtin-rules', '--format', 'json', '--validate', '--validate-endpoint', endpoint(), '--validate-skip', 'github-user', join(dir, 'small')]);
    const findings = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.map((finding) => finding.verification.status)).toEqual(['unverified', 'unverified', 'unverified']);
    expect(server.received).toEqual([]);
  });

  it('text and SARIF show each status', async () => {
    server.handle(answerByToken);
    const text = await runCliAsync(['scan', join(dir, 'small'), '--rules', rulesDir, '--no-builtin-rules', '--validate', '--validate-endpoint', endpoint()]);
    expect(text.stdout).toContain('[live github-user login=fake-0000 id=0]');
    expect(text.stdout).toContain('[invalid github-user]');
    expect(text.stdout).toContain('[unknown github-user: unexpected-status 403 text/html]');
    const sarif = await runCliAsync(['scan', join(dir, 'small'), '--rules', rulesDir, '--no-builtin-rules', '--validate', '--validate-endpoint', endpoint(), '--format', 'sarif']);
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { message: { text: string }; properties: { verification: { status: string } } }[] }[] }).runs[0]!.results;
    expect(results.map((result) => result.properties.verification.status).sort()).toEqual(['invalid', 'live', 'unknown']);
    expect(results.some((result) => result.message.text.includes('Verification: live github-user'))).toBe(true);
    for (const token of tokens.slice(0, 3)) expect(text.stdout + sarif.stdout).not.toContain(token);
  });
});

describe('--validate with --verify-hashes', () => {
  it("checks the issuer's keys by hash and the others by provider; the issuer's keys are never sent", async () => {
    const work = tempDir('keyward-validate-hashes-');
    const db = join(work, 'keys.db');
    expect(runCli(['keys', 'init', '--db', db, '--prefix', 'fakeco_live_']).status).toBe(0);
    const issued = runCli(['keys', 'create', '--db', db, '--name', 'ci']).stdout.trim();
    const both = join(work, 'rules');
    mkdirSync(both);
    writeFileSync(join(both, 'fake.yml'), FAKE_RULE);
    expect(runCli(['keys', 'pattern', '--db', db, '-o', join(both, 'issuer.yml')]).status).toBe(0);
    const hashes = join(work, 'hashes.txt');
    expect(runCli(['keys', 'export-hashes', '--db', db, '-o', hashes]).status).toBe(0);
    mkdirSync(join(work, 'tree'));
    writeFileSync(join(work, 'tree', '.env'), `ISSUED=${issued}\nLIVE=${tokens[0]}\nREFUSED=${tokens[1]}\n`);

    server.received.length = 0;
    server.handle(answerByToken);
    const all = await runCliAsync(['scan', join(work, 'tree'), '--rules', both, '--format', 'json', '--verify-hashes', hashes, '--validate', '--validate-endpoint', endpoint()]);
    const findings = (JSON.parse(all.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.map((finding) => [finding.ruleId === 'fake-ci-token' ? 'provider' : 'issuer', finding.verification.status]).sort()).toEqual([
      ['issuer', 'live'],
      ['provider', 'invalid'],
      ['provider', 'live'],
    ]);
    expect(findings.find((finding) => finding.ruleId !== 'fake-ci-token')!.verification.by).toBe('issuer-hashes');
    expect(server.received).toHaveLength(2);
    expect(JSON.stringify(server.received)).not.toContain(issued);

    const onlyLive = await runCliAsync(['scan', join(work, 'tree'), '--rules', both, '--format', 'json', '--verify-hashes', hashes, '--validate', '--validate-endpoint', endpoint(), '--only-live']);
    const kept = (JSON.parse(onlyLive.stdout) as { findings: JsonFinding[] }).findings;
    expect(kept.map((finding) => finding.ruleId === 'fake-ci-token').sort()).toEqual([false, true]);
    expect(kept.every((finding) => finding.verification.status === 'live')).toBe(true);
  });
});
