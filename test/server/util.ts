import { spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicKeyIdentifier } from '../../src/verify/leak-report.js';
import { CLI } from '../helpers.js';

export interface Reporter {
  identifier: string;
  privateKey: KeyObject;
  privateKeyPem: string;
}

/** A fresh ECDSA P-256 key pair per test run, as GitHub's (or a keyward scanner's) signing key. */
export function makeReporter(): Reporter {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { identifier: publicKeyIdentifier(publicKey), privateKey, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

export function writePublicKeys(dir: string, reporters: Reporter[]): string {
  const file = join(dir, 'public-keys.json');
  const public_keys = reporters.map((reporter, index) => ({
    key_identifier: reporter.identifier,
    key: createPublicKey(reporter.privateKey).export({ type: 'spki', format: 'pem' }) as string,
    is_current: index === 0,
  }));
  writeFileSync(file, JSON.stringify({ public_keys }));
  return file;
}

export function signBody(reporter: Reporter, body: Buffer): string {
  return sign('sha256', body, { key: reporter.privateKey, dsaEncoding: 'der' }).toString('base64');
}

export async function postLeaks(base: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}/v1/leaks`, { method: 'POST', headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

export function signedHeaders(reporter: Reporter, body: Buffer): Record<string, string> {
  return { 'content-type': 'application/json', 'github-public-key-identifier': reporter.identifier, 'github-public-key-signature': signBody(reporter, body) };
}

/** `keyward serve` as a real process on a free loopback port; resolves with its base URL. */
export async function startServe(db: string, publicKeys: string, extraArgs: string[] = []): Promise<{ base: string; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--public-keys', publicKeys, '--port', '0', ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving .* on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`keyward serve exited ${code}: ${stderr}`)));
  });
  return { base, child, stderr: () => stderr };
}
