import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Issuer, SqliteKeyStore } from '../../src/issuer/index.js';
import { git, makeRepo } from '../git/repo.js';
import { runCli, tempDir } from '../helpers.js';
import { makeReporter, postLeaks, signedHeaders, startServe, writePublicKeys } from './util.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

interface JsonReport {
  findings: { ruleId: string; secret: string; verification: { status: string; by: string }; commit?: { sha: string } }[];
}

describe('scanner and issuer end to end, over a real server on 127.0.0.1', () => {
  it('finds a committed key in history, verifies it live, reports it, and the server revokes it', async () => {
    const dir = tempDir('keyward-e2e-');
    const db = join(dir, 'keys.db');
    expect(runCli(['keys', 'init', '--db', db, '--prefix', 'acme_live_']).status).toBe(0);
    const created = runCli(['keys', 'create', '--db', db, '--name', 'deploy-bot']);
    const key = created.stdout.trim();
    const rule = join(dir, 'acme.yml');
    expect(runCli(['keys', 'pattern', '--db', db, '-o', rule]).status).toBe(0);
    const reporter = makeReporter();
    const pem = join(dir, 'reporter.pem');
    writeFileSync(pem, reporter.privateKeyPem, { mode: 0o600 });
    const server = await startServe(db, writePublicKeys(dir, [reporter]));
    children.push(server.child);

    const repo = makeRepo('keyward-e2e-repo-');
    writeFileSync(join(repo, 'deploy.env'), `ACME_API_KEY=${key}\n`);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'add deploy config');
    const leakingCommit = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'rm', '-q', 'deploy.env');
    git(repo, 'commit', '-q', '-m', 'remove deploy config');

    const scan = runCli(['scan', '--history', repo, '--rules', rule, '--format', 'json', '--verify-hashes', server.base, '--report-to', `${server.base}/v1/leaks`, '--report-key', pem]);
    expect(scan.status).toBe(1);
    const report = JSON.parse(scan.stdout) as JsonReport;
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ ruleId: 'acme-live-api-key', verification: { status: 'live', by: 'issuer-hashes' }, commit: { sha: leakingCommit } });
    expect(scan.stdout).not.toContain(key);
    expect(scan.stderr).toContain('reported 1 live key(s)');
    expect(scan.stderr).toContain('the issuer confirmed 1');

    const verify = runCli(['keys', 'verify', '--db', db], { input: key });
    expect(verify.status).toBe(1);
    expect(verify.stdout).toContain('invalid: revoked');
    const audit = runCli(['keys', 'audit', '--verify', '--db', db]);
    expect(audit.status).toBe(0);
    expect(runCli(['keys', 'audit', '--db', db]).stdout).toMatch(/key\.leaked\t\S+\treporter:/);
    expect(server.stderr()).not.toContain(key);

    // Scanning again: the key is now known revoked, and --only-live reports nothing.
    const again = runCli(['scan', '--history', repo, '--rules', rule, '--format', 'json', '--verify-hashes', db]);
    expect((JSON.parse(again.stdout) as JsonReport).findings[0]!.verification.status).toBe('revoked');
    const onlyLive = runCli(['scan', '--history', repo, '--rules', rule, '--format', 'json', '--verify-hashes', server.base, '--only-live']);
    expect(onlyLive.status).toBe(0);
    expect((JSON.parse(onlyLive.stdout) as JsonReport).findings).toHaveLength(0);
    // A hash export works the same way.
    const exported = join(dir, 'hashes.txt');
    expect(runCli(['keys', 'export-hashes', '--db', db, '-o', exported]).status).toBe(0);
    const viaFile = runCli(['scan', '--history', repo, '--rules', rule, '--format', 'json', '--verify-hashes', exported]);
    expect((JSON.parse(viaFile.stdout) as JsonReport).findings[0]!.verification.status).toBe('revoked');
  });

  it('loses no audit event for any 2xx answer when the server is killed with SIGKILL mid-load', async () => {
    const dir = tempDir('keyward-kill-');
    const db = join(dir, 'keys.db');
    const issuer = await Issuer.init(new SqliteKeyStore(join(dir, 'keys.db'), { create: true }), { prefix: 'acme_live_' });
    const keys: string[] = [];
    for (let i = 0; i < 400; i++) keys.push((await issuer.create()).key);
    await issuer.close();
    const reporter = makeReporter();
    const publicKeys = writePublicKeys(dir, [reporter]);
    const server = await startServe(db, publicKeys);
    children.push(server.child);

    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < keys.length) {
        const token = keys[next++]!;
        const body = Buffer.from(JSON.stringify([{ token, type: 'acme_live_api_key', url: 'https://example.test/leak', source: 'content' }]));
        try {
          const response = await postLeaks(server.base, body, signedHeaders(reporter, body));
          if (response.status === 200) acknowledged.push(token);
        } catch {
          // The server is gone: requests in flight get no answer, and they are not counted.
        }
        if (!killed && acknowledged.length >= 150) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    expect(acknowledged.length).toBeLessThan(keys.length);

    // Restart on the same file: every acknowledged token is revoked and logged, the chain is intact.
    const restarted = await startServe(db, publicKeys);
    children.push(restarted.child);
    const reopened = await Issuer.open(new SqliteKeyStore(db));
    const events = await reopened.auditLog();
    const leakedIds = new Set(events.filter((event) => event.type === 'key.leaked').map((event) => event.keyId));
    for (const token of acknowledged) expect(await reopened.verify(token)).toMatchObject({ ok: false, reason: 'revoked' });
    for (const token of acknowledged) expect(leakedIds.has(token.slice('acme_live_'.length, 'acme_live_'.length + 8))).toBe(true);
    expect((await reopened.verifyAudit()).ok).toBe(true);
    // Each key revoked exactly once.
    const revokedIds = events.filter((event) => event.type === 'key.revoked').map((event) => event.keyId);
    expect(new Set(revokedIds).size).toBe(revokedIds.length);
    // The restarted server goes on where the first stopped.
    const rest = keys.filter((token) => !acknowledged.includes(token)).slice(0, 5);
    const body = Buffer.from(JSON.stringify(rest.map((token) => ({ token, type: 't', url: 'u', source: 's' }))));
    const answer = await postLeaks(restarted.base, body, signedHeaders(reporter, body));
    expect(answer.status).toBe(200);
    expect((answer.json as { label: string }[]).every((item) => item.label === 'true_positive')).toBe(true);
    await reopened.close();
  });
});
