import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLI, runCli, tempDir, type CliResult } from '../helpers.js';

/** A fake Stripe live key the built-in rules report; `n` makes distinct ones. */
export function fakeKey(n = 0): string {
  const base = 'sk_live_51HqLyjFAKEa7b9QdXk2Lm4Np6Rs8Tu0Vw';
  return n === 0 ? base : `${base.slice(0, -4)}${String(n).padStart(4, '0').replace(/\d/g, (d) => 'QRSTUVWXYZ'[Number(d)]!)}`;
}

const GIT_ENV = {
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? '',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

let clock = 1_700_000_000;

/** Runs git in `cwd` with fixed, increasing commit dates so "oldest" is well defined. */
export function git(cwd: string, ...args: string[]): string {
  clock += 60;
  const date = `${clock} +0000`;
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A fresh repository in a temp folder, with a local identity and unsigned commits. */
export function makeRepo(prefix = 'keyward-git-'): string {
  const dir = join(tempDir(prefix), 'repo');
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Ann Dev');
  git(dir, 'config', 'user.email', 'ann@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  return dir;
}

export function write(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** Writes files, stages everything and commits; returns the new commit's sha. */
export function commit(dir: string, message: string, files: Record<string, string> = {}): string {
  write(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '--no-verify', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** A folder holding a `keyward` command that runs the built CLI: what a hook finds on PATH. */
export function keywardOnPath(): string {
  const bin = tempDir('keyward-bin-');
  const shim = join(bin, 'keyward');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(shim, 0o755);
  return bin;
}

/** git with the hook-visible PATH; returns status and output instead of throwing. */
export function gitWithHooks(cwd: string, bin: string, ...args: string[]): CliResult {
  try {
    const stdout = execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: { ...GIT_ENV, PATH: `${bin}:${GIT_ENV.PATH}`, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { status: failed.status, stdout: String(failed.stdout), stderr: String(failed.stderr) };
  }
}

export interface JsonReport {
  kind: string;
  findings: {
    ruleId: string;
    path: string;
    line: number;
    secret: string;
    blob?: string;
    commit?: { sha: string; authorName: string; authorEmail: string; date: string; subject: string };
    fingerprint: string;
    secretSha256: string;
    introduced?: { commit: { sha: string; authorName: string; date: string; subject: string; url?: string }; path: string; line: number };
    occurrences?: { commit?: string; path: string; line: number }[];
    occurrenceCount?: number;
    status?: 'present' | 'removed';
    presentIn?: { ref: string; path: string }[];
    removedIn?: { ref: string; commit?: { sha: string; subject: string } }[];
    refs?: string[];
  }[];
  stats: { blobsScanned: number; filesScanned: number; bytesScanned: number };
  warnings: string[];
}

export function scanJson(args: string[], options: { cwd?: string; input?: string } = {}): { status: number; report: JsonReport; stderr: string } {
  const result = runCli(['scan', ...args, '--format', 'json'], options);
  let report: JsonReport;
  try {
    report = JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`not JSON (exit ${result.status}): ${result.stdout}\n${result.stderr}`);
  }
  return { status: result.status, report, stderr: result.stderr };
}
