import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { KeywardError } from '../../errors.js';

/**
 * Every git call goes through here: an argv array, never a shell string. Paths are printed raw
 * (`core.quotePath=false`), no pager, no colour, no lazy fetch of missing objects from a promisor remote.
 */
export const GIT_ENV_OVERRIDES: Record<string, string> = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_NO_LAZY_FETCH: '1',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
};

/**
 * Pack windows: git maps packs in windows of up to 1 GB and keeps up to 8 GB of them mapped, so reading
 * every object of a 1.2 GB pack left git at 1.3 GB resident (measured). Small windows under a small cap
 * bound it near 300 MB (mostly the delta base cache) for the same CPU time.
 */
const PACK_WINDOWS: string[] = ['-c', 'core.packedGitWindowSize=16m', '-c', 'core.packedGitLimit=128m'];

const GIT_CONFIG: string[] = ['-c', 'core.quotePath=false', '-c', 'color.ui=false', '-c', 'log.showSignature=false', ...PACK_WINDOWS];

export function gitArgv(args: string[]): string[] {
  return [...GIT_CONFIG, ...args];
}

export type GitProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/** Starts git in `cwd` with piped stdio; stderr is collected (bounded) on the returned `stderrText()`. */
export function spawnGit(cwd: string, args: string[]): { child: GitProcess; stderrText: () => string; exited: Promise<number> } {
  const child = spawn('git', gitArgv(args), {
    cwd,
    env: { ...process.env, ...GIT_ENV_OVERRIDES },
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as GitProcess;
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 64 * 1024) stderr += text;
  });
  // A hook or a failing reader may close our end early; the exit code tells the story, not EPIPE.
  child.stdin.on('error', () => {});
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new KeywardError('git is not installed or not on PATH', { hint: 'install git 2.32 or newer' }) : error);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  return { child, stderrText: () => stderr, exited };
}

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs git to completion and returns its whole output: for small answers only (metadata, short diffs). */
export async function runGit(cwd: string, args: string[], input?: string | Buffer): Promise<GitResult> {
  const { child, stderrText, exited } = spawnGit(cwd, args);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stdin.end(input);
  const code = await exited;
  return { code, stdout: Buffer.concat(chunks), stderr: stderrText() };
}

/** The first line git printed on stderr, without its `fatal: ` / `error: ` prefix. */
export function gitMessage(stderr: string): string {
  const line = stderr.split('\n').find((text) => text.trim() !== '') ?? 'git failed';
  return line.replace(/^(fatal|error): /, '').trim();
}

/** Undoes git's C-style quoting of a path (`"a\tb"`), used when a path holds special characters. */
export function unquotePath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return text;
  const body = text.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = body[++i] ?? '';
    if (/[0-7]/.test(next)) {
      const octal = body.slice(i, i + 3);
      bytes.push(parseInt(octal, 8));
      i += 2;
      continue;
    }
    const escapes: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
    bytes.push(escapes[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

export const ZERO_OID = /^0+$/;
