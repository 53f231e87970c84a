/**
 * Files and directories named on the command line. Inside a git work tree, git says which files there are
 * (issue 16 item 2): every tracked file (a tracked file is never ignored, even when .gitignore matches it)
 * plus the untracked files git does not ignore; `.keywardignore` applies to both. Outside git, or in a
 * directory git ignores as a whole, the walker in ./walk.ts reads .gitignore and .keywardignore itself.
 */
import { closeSync, constants, lstatSync, opendirSync, openSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import ignore from 'ignore';
import { posix, relative, resolve } from 'node:path';
import { KeywardError, describeFsError } from '../errors.js';
import { spawnGit } from './git/spawn.js';
import { descriptorOf } from './read.js';
import type { Chunk, Source, SourceContext, SourceDefinition } from './types.js';
import { isIgnored, toPosix, walkWorktree, type IgnoreLevel } from './walk.js';

export interface WorktreeOptions {
  paths: string[];
  /** Honour .gitignore and .keywardignore (default true). */
  ignoreFiles?: boolean;
}

interface Target {
  kind: 'file' | 'directory';
  absolutePath: string;
  display: string;
}

const KEYWARD_IGNORE = '.keywardignore';

export const worktreeSource: SourceDefinition<WorktreeOptions> = {
  name: 'worktree',
  async open(options) {
    // Every named path is checked before anything is scanned: a typo in CI is an input error, never a pass.
    const targets = options.paths.map(checkTarget);
    const ignoreFiles = options.ignoreFiles ?? true;
    const first = targets[0];
    return {
      name: 'worktree',
      ...(first === undefined ? {} : { root: first.kind === 'directory' ? first.absolutePath : resolve(first.absolutePath, '..') }),
      chunks: (context) => worktreeChunks(targets, ignoreFiles, context),
    } satisfies Source;
  },
};

/** A missing, unreadable or looping path named on the command line: one line naming it, exit 2. */
function checkTarget(path: string): Target {
  const absolutePath = resolve(path);
  const display = toPosix(relative(process.cwd(), absolutePath)) || '.';
  if (descriptorOf(absolutePath) !== undefined) return { kind: 'file', absolutePath, display: path };
  let info;
  try {
    info = lstatSync(absolutePath);
    if (info.isSymbolicLink()) info = statSync(absolutePath);
  } catch (error) {
    throw new KeywardError(`cannot scan ${path}: ${describeFsError(error)}`);
  }
  try {
    if (info.isDirectory()) {
      opendirSync(absolutePath).closeSync();
      return { kind: 'directory', absolutePath, display };
    }
    // Non-blocking, so checking a FIFO never waits for a writer; the reader decides what to do with it.
    if (!info.isFIFO()) closeSync(openSync(absolutePath, constants.O_RDONLY | constants.O_NONBLOCK));
  } catch (error) {
    throw new KeywardError(`cannot scan ${path}: ${describeFsError(error)}`);
  }
  return { kind: 'file', absolutePath, display };
}

async function* worktreeChunks(targets: Target[], ignoreFiles: boolean, context: SourceContext): AsyncGenerator<Chunk> {
  for (const target of targets) {
    if (target.kind === 'file') {
      const fd = descriptorOf(target.absolutePath);
      yield { file: target.absolutePath, origin: { path: target.display }, explicit: true, ...(fd === undefined ? {} : { fd }) };
      continue;
    }
    const prefix = targets.length === 1 ? '' : target.display;
    const named = (path: string) => (prefix === '' ? path : posix.join(prefix, path));
    const listed = await gitListing(target.absolutePath, ignoreFiles, context);
    if (listed === undefined) {
      yield* walked(target.absolutePath, '', named, ignoreFiles, context);
      continue;
    }
    context.stats.pathsIgnored += listed.ignored;
    for (const path of listed.files) {
      // An untracked repository inside this one: git lists it as a directory and leaves it to us.
      if (path.endsWith('/')) yield* walked(resolve(target.absolutePath, path), path.slice(0, -1), named, ignoreFiles, context);
      else yield { file: resolve(target.absolutePath, path), origin: { path: named(path) } };
    }
  }
}

async function* walked(directory: string, under: string, named: (path: string) => string, ignoreFiles: boolean, context: SourceContext): AsyncGenerator<Chunk> {
  const walk = walkWorktree(directory, {
    useIgnoreFiles: ignoreFiles,
    onWarning: context.warn,
    onSkip: (reason) => {
      if (reason === 'symlink') context.stats.symlinksSkipped++;
      else if (reason === 'fifo') context.stats.fifosSkipped++;
      else context.stats.pathsIgnored++;
    },
  });
  for await (const files of walk) {
    for (const file of files) yield { file: file.absolutePath, origin: { path: named(under === '' ? file.path : `${under}/${file.path}`) } };
  }
}

/**
 * The files git would show under `directory`, relative to it, sorted; undefined when git cannot say (not
 * a work tree, git missing, a repository git refuses to open, or a directory git ignores as a whole, which
 * the user named on purpose).
 */
async function gitListing(directory: string, ignoreFiles: boolean, context: SourceContext): Promise<{ files: string[]; ignored: number } | undefined> {
  const where = await git(directory, ['rev-parse', '--is-inside-work-tree', '--show-prefix']);
  if (where === undefined) return undefined;
  const [inside, prefix] = where.toString('utf8').split('\n');
  if (inside !== 'true') return undefined;
  if (prefix !== undefined && prefix !== '' && (await git(directory, ['check-ignore', '-q', '--', '.'])) !== undefined) return undefined;

  const excludes = ignoreFiles ? ['--exclude-standard'] : [];
  const [tracked, untracked, ignored] = await Promise.all([
    git(directory, ['ls-files', '-z', '--cached']),
    git(directory, ['ls-files', '-z', '--others', ...excludes]),
    ignoreFiles ? git(directory, ['ls-files', '-z', '--others', '--ignored', '--directory', ...excludes], context) : Promise.resolve(Buffer.alloc(0)),
  ]);
  if (tracked === undefined || untracked === undefined) return undefined;
  const listed = [...new Set([...entries(tracked), ...entries(untracked)])].sort();
  if (!ignoreFiles) return { files: listed, ignored: 0 };
  // git knows one per-directory ignore file name; .keywardignore files apply here, to tracked files too.
  const levels = await keywardIgnoreLevels(directory, listed, context);
  const files = levels.length === 0 ? listed : listed.filter((path) => !isIgnored(levels.filter((level) => level.base === '' || path.startsWith(`${level.base}/`)), path));
  return { files, ignored: listed.length - files.length + entries(ignored).length };
}

async function keywardIgnoreLevels(directory: string, listed: string[], context: SourceContext): Promise<IgnoreLevel[]> {
  const levels: IgnoreLevel[] = [];
  for (const path of listed) {
    if (path !== KEYWARD_IGNORE && !path.endsWith(`/${KEYWARD_IGNORE}`)) continue;
    try {
      levels.push({ base: posix.dirname(path) === '.' ? '' : posix.dirname(path), matcher: ignore({ allowRelativePaths: true }).add(await readFile(resolve(directory, path), 'utf8')) });
    } catch (error) {
      context.warn(`cannot read ${path}: ${describeFsError(error)}`);
    }
  }
  // Shallower files first, so a deeper one has the last word, as in git.
  return levels.sort((a, b) => a.base.split('/').length - b.base.split('/').length || (a.base === '' ? -1 : b.base === '' ? 1 : 0));
}

function entries(output: Buffer | undefined): string[] {
  if (output === undefined || output.length === 0) return [];
  return output.toString('utf8').split('\0').filter((entry) => entry !== '');
}

/** git's stdout, or undefined when it fails; its warnings (an unreadable .gitignore) become one warning each. */
async function git(cwd: string, args: string[], context?: SourceContext): Promise<Buffer | undefined> {
  let process;
  try {
    process = spawnGit(cwd, args);
  } catch {
    return undefined;
  }
  const chunks: Buffer[] = [];
  process.child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  process.child.stdin.end();
  let code: number;
  try {
    code = await process.exited;
  } catch {
    return undefined;
  }
  if (context !== undefined) {
    for (const line of process.stderrText().split('\n')) {
      const warning = /^warning: unable to access '(.+)': (.+)$/.exec(line.trim());
      if (warning !== null) context.warn(`cannot read ${warning[1]}: ${warning[2]!.toLowerCase()}`);
    }
  }
  return code === 0 ? Buffer.concat(chunks) : undefined;
}
