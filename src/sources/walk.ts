import { readdir, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { describeFsError } from '../errors.js';

export interface WorktreeFile {
  /** Absolute path, to read the file. */
  absolutePath: string;
  /** POSIX path relative to the scan root, for reports. */
  path: string;
}

export interface WalkOptions {
  /** Honour .gitignore and .keywardignore files (default true). */
  useIgnoreFiles: boolean;
  onWarning: (message: string) => void;
  onSkip: (reason: 'symlink' | 'ignored' | 'fifo', path: string) => void;
}

const IGNORE_FILES = ['.gitignore', '.keywardignore'];
const ALWAYS_SKIPPED_DIRECTORIES = new Set(['.git']);

export interface IgnoreLevel {
  /** Directory the ignore file lives in, relative to the root (POSIX, '' for the root). */
  base: string;
  matcher: Ignore;
}

/**
 * Yields every regular file under `root` that git would not ignore, a directory's files at a time. A
 * hand-written walk rather than fast-glob: an ignored directory (node_modules, build output) is pruned before it is read, and nested
 * ignore files apply below their own directory, as in git. Symlinks are never followed, so a link cannot
 * lead out of the root or into a loop.
 */
export async function* walkWorktree(root: string, options: WalkOptions): AsyncGenerator<WorktreeFile[]> {
  const absoluteRoot = resolve(root);
  const stack: { dir: string; levels: IgnoreLevel[] }[] = [{ dir: '', levels: [] }];
  while (stack.length > 0) {
    const { dir, levels: parentLevels } = stack.pop()!;
    const absoluteDir = dir === '' ? absoluteRoot : join(absoluteRoot, dir);
    let entries;
    try {
      entries = await readdir(absoluteDir, { withFileTypes: true });
    } catch (error) {
      options.onWarning(`cannot read directory ${dir === '' ? root : dir}: ${describeFsError(error)}`);
      continue;
    }
    const levels = options.useIgnoreFiles ? await withIgnoreFilesOf(absoluteDir, dir, entries.map((e) => e.name), parentLevels, options) : parentLevels;
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    const subdirectories: string[] = [];
    // One step of the generator per directory, not per file: a big tree pays one promise per folder.
    const files: WorktreeFile[] = [];
    for (const entry of entries) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isSymbolicLink()) {
        options.onSkip('symlink', path);
        continue;
      }
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRECTORIES.has(entry.name)) continue;
        if (isIgnored(levels, `${path}/`)) {
          options.onSkip('ignored', path);
          continue;
        }
        subdirectories.push(path);
      } else if (entry.isFile()) {
        if (isIgnored(levels, path)) {
          options.onSkip('ignored', path);
          continue;
        }
        files.push({ absolutePath: join(absoluteDir, entry.name), path });
      } else if (!isIgnored(levels, path)) {
        // FIFOs, sockets, devices: opening one could block forever, and none holds a committed secret.
        options.onSkip('fifo', path);
      }
    }
    // Entries were sorted in reverse; files go out in alphabetical order.
    if (files.length > 0) yield files.reverse();
    // Pushing the reversed subdirectories keeps a depth-first, alphabetical order.
    for (const subdirectory of subdirectories) stack.push({ dir: subdirectory, levels });
  }
}

async function withIgnoreFilesOf(
  absoluteDir: string,
  dir: string,
  names: string[],
  parentLevels: IgnoreLevel[],
  options: WalkOptions,
): Promise<IgnoreLevel[]> {
  let levels = parentLevels;
  for (const name of IGNORE_FILES) {
    if (!names.includes(name)) continue;
    const file = join(absoluteDir, name);
    try {
      const text = await readFile(file, 'utf8');
      levels = [...levels, { base: dir, matcher: ignore({ allowRelativePaths: true }).add(text) }];
    } catch (error) {
      options.onWarning(`cannot read ${dir === '' ? name : `${dir}/${name}`}: ${describeFsError(error)}`);
    }
  }
  return levels;
}

/** Git's rule: the deepest ignore file that has an opinion wins, and `!pattern` re-includes. */
export function isIgnored(levels: readonly IgnoreLevel[], path: string): boolean {
  let ignored = false;
  for (const { base, matcher } of levels) {
    const local = base === '' ? path : path.slice(base.length + 1);
    const verdict = matcher.test(local);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
