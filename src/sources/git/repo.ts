import { statSync } from 'node:fs';
import { KeywardError } from '../../errors.js';
import { gitMessage, runGit } from './spawn.js';

export interface Repository {
  /** The directory git runs in (the path the user gave). */
  cwd: string;
  /** The work tree's root; undefined for a bare repository. */
  root: string | undefined;
  shallow: boolean;
}

/**
 * Checks that `path` is inside a git repository, with one `git rev-parse` (a raw spawn: this runs on the
 * pre-commit path, where loading a git library would cost more than the call).
 */
export async function openRepository(path: string, purpose: string): Promise<Repository> {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new KeywardError(`${path}: no such directory`, { hint: `${purpose} needs the path of a git repository` });
  }
  if (!isDirectory) throw new KeywardError(`${path} is not a directory`, { hint: `${purpose} needs the path of a git repository, not a file` });
  const result = await runGit(path, ['rev-parse', '--is-bare-repository', '--is-shallow-repository', '--show-toplevel']);
  const lines = result.stdout.toString('utf8').split('\n');
  if (result.code !== 0 && lines[0] !== 'true') {
    const message = gitMessage(result.stderr);
    if (/not a git repository/i.test(message)) {
      throw new KeywardError(`${path === '.' ? 'the current directory' : path} is not a git repository`, {
        hint: `${purpose} reads git history; to scan plain files run keyward scan ${path === '.' ? '' : path}`.trimEnd(),
      });
    }
    throw new KeywardError(`cannot open the git repository at ${path}: ${message}`);
  }
  const bare = lines[0] === 'true';
  return { cwd: path, root: bare ? undefined : lines[2] || undefined, shallow: lines[1] === 'true' };
}

/** True when the commit exists in this repository (a remote tip we may never have fetched). */
export async function hasCommit(cwd: string, sha: string): Promise<boolean> {
  const result = await runGit(cwd, ['cat-file', '-e', `${sha}^{commit}`]);
  return result.code === 0;
}
