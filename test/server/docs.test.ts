import { execFile, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir } from '../helpers.js';
import { startServe } from './util.js';

const run = promisify(execFile);
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** The shell block that follows `<!-- tested: NAME` in docs/ISSUER.md, exactly as a reader copies it. */
function docBlock(name: string): string {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'ISSUER.md'), 'utf8');
  const match = new RegExp(`<!-- tested: ${name}\\b[^>]*-->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\n`).exec(doc);
  if (match === null) throw new Error(`docs/ISSUER.md has no tested block ${name}`);
  return match[1]!;
}

async function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } });
    return { stdout, code: 0 };
  } catch (error) {
    return { stdout: String((error as { stdout?: string }).stdout ?? ''), code: Number((error as { code?: number }).code ?? 1) };
  }
}

describe('docs/ISSUER.md, run as written', () => {
  it('makes a reporter key and reporters.json with openssl, signs a report and sends it with curl, and the owner can verify the notice', async () => {
    const dir = tempDir('keyward-docs-');
    const db = join(dir, 'keys.db');
    expect(runCli(['keys', 'init', '--db', db, '--prefix', 'acme_live_']).status).toBe(0);
    const token = runCli(['keys', 'create', '--db', db, '--owner', 'team-payments']).stdout.trim();
    const keys = await bash(`${docBlock('reporter-keys')}\necho "$KEY_ID"`, dir, {});
    expect(keys.code).toBe(0);
    const keyId = keys.stdout.trim();
    expect(JSON.parse(readFileSync(join(dir, 'reporters.json'), 'utf8'))).toMatchObject({ public_keys: [{ key_identifier: keyId, is_current: true }] });
    expect(keyId).toMatch(/^[0-9a-f]{64}$/);

    const notices: { header: string; body: string }[] = [];
    const owner = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        notices.push({ header: String(request.headers['keyward-signature']), body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => owner.listen(0, '127.0.0.1', resolve));
    const secret = 'owner-shared-secret-FAKE-0123';
    process.env['KEYWARD_NOTIFY_SECRET'] = secret;
    const server = await startServe(db, join(dir, 'reporters.json'), ['--notify-url', `http://127.0.0.1:${(owner.address() as AddressInfo).port}/hooks/keys`]);
    delete process.env['KEYWARD_NOTIFY_SECRET'];
    children.push(server.child);
    try {
      // KEY_ID as the first block left it in the reader's shell.
      const report = await bash(docBlock('signed-report'), dir, { ISSUER: server.base, TOKEN: token, KEY_ID: keyId });
      expect(report.code).toBe(0);
      expect(JSON.parse(report.stdout)).toEqual([{ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/), token_type: 'acme_live_api_key', label: 'true_positive' }]);
      expect(runCli(['keys', 'verify', '--db', db], { input: token }).stdout).toBe('invalid: revoked (key ' + token.slice(10, 18) + ')\n');
      for (let i = 0; i < 100 && notices.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(notices).toHaveLength(1);
      const notice = notices[0]!;
      expect(notice.header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      writeFileSync(join(dir, 'body.json'), notice.body);
      const verified = await bash(docBlock('verify-notification'), dir, { SIGNATURE_HEADER: notice.header, KEYWARD_NOTIFY_SECRET: secret });
      expect(verified).toEqual({ stdout: 'verified\n', code: 0 });
      // A changed body, a wrong secret, or an old timestamp do not verify.
      writeFileSync(join(dir, 'body.json'), notice.body.replace('"revoked":true', '"revoked":false'));
      expect((await bash(docBlock('verify-notification'), dir, { SIGNATURE_HEADER: notice.header, KEYWARD_NOTIFY_SECRET: secret })).code).not.toBe(0);
      writeFileSync(join(dir, 'body.json'), notice.body);
      expect((await bash(docBlock('verify-notification'), dir, { SIGNATURE_HEADER: notice.header, KEYWARD_NOTIFY_SECRET: `${secret}x` })).code).not.toBe(0);
      const { signNotification } = await import('../../src/server/notify.js');
      const stale = Math.floor(Date.now() / 1000) - 3600;
      expect((await bash(docBlock('verify-notification'), dir, { SIGNATURE_HEADER: signNotification(secret, notice.body, stale), KEYWARD_NOTIFY_SECRET: secret })).code).not.toBe(0);
    } finally {
      owner.close();
    }
    expect(server.stderr()).not.toContain(token);
  });
});

describe("the Action's documented permissions", () => {
  it('include actions: read, which upload-sarif needs on private repositories', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const permissions = /```yaml\npermissions:\n((?: {2}.*\n)+)/.exec(readme)?.[1] ?? '';
    expect(permissions).toMatch(/^ {2}contents: read\b/m);
    expect(permissions).toMatch(/^ {2}security-events: write\b/m);
    expect(permissions).toMatch(/^ {2}actions: read\b/m);
    expect(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')).toMatch(/actions: read/);
  });
});
