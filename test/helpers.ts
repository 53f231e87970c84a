import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { BASE62_ALPHABET, crc32Base62 } from '../src/validators/checksum.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(REPO_ROOT, 'bin', 'keyward.js');

/** A temp folder removed when the test file ends. */
export function tempDir(prefix = 'keyward-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI the way a user's shell would, with a minimal environment. `unprivileged` drops the
 * capabilities that let root read any file, so permission errors are real even when tests run as root.
 */
export function runCli(args: string[], options: { cwd?: string; input?: string | Buffer; env?: Record<string, string>; unprivileged?: boolean } = {}): CliResult {
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NO_COLOR: '1', ...options.env };
  let command = process.execPath;
  let argv = [CLI, ...args];
  if (options.unprivileged && process.getuid?.() === 0) {
    argv = ['--bounding-set=-dac_override,-dac_read_search', process.execPath, ...argv];
    command = 'setpriv';
  }
  const spawnOptions: SpawnSyncOptions = { cwd: options.cwd ?? REPO_ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 };
  if (options.input !== undefined) spawnOptions.input = options.input;
  const result = spawnSync(command, argv, spawnOptions);
  if (result.error) throw result.error;
  const out = { status: result.status ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  recordOutput(args, out);
  return out;
}

/**
 * Everything the CLI printed in the suite goes to one log (test/output-audit.ts sets it up), so that a check
 * after the last test can hold all of it to the rules: no control character, no workflow command, no raw key.
 */
export function recordOutput(args: readonly string[], result: { stdout: string; stderr: string }): void {
  const log = process.env['KEYWARD_TEST_OUTPUT_LOG'];
  if (log === undefined) return;
  appendFileSync(log, `${JSON.stringify({ args, stdout: result.stdout.slice(0, 1 << 20), stderr: result.stderr.slice(0, 1 << 20) })}\n`);
}

/** A GitHub-style token with a valid CRC32 checksum, made fresh at test time (never committed). */
export function fakeChecksummedToken(prefix: string, bodyLength = 30, seed = Math.floor(Math.random() * 1e9)): string {
  const next = xorshift32(seed);
  let body = '';
  for (let i = 0; i < bodyLength; i++) body += BASE62_ALPHABET[next() % 62];
  return prefix + body + crc32Base62(body);
}

/** xorshift32: the same unsigned 32-bit numbers for the same seed, so a failing case can be replayed. */
export function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

/** The same token with its checksum broken in the last character. */
export function breakChecksum(token: string): string {
  const last = token.at(-1)!;
  return token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}

/** A fake key that looks random: deterministic per seed. */
export function fakeRandom(alphabet: string, length: number, seed: number): string {
  let state = seed >>> 0 || 7;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out += alphabet[(state >>> 8) % alphabet.length];
  }
  return out;
}
