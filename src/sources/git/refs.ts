import { gitMessage, runGit } from './spawn.js';

export interface Ref {
  /** Full name: `refs/heads/main`, `refs/remotes/origin/dev`, `refs/tags/v1`. */
  name: string;
  /** The commit it points at (a tag's target, peeled). */
  commit: string;
  branch: boolean;
}

/** Branches, remote-tracking branches and tags; symbolic refs (origin/HEAD) and non-commit tags are left out. */
export async function listRefs(cwd: string): Promise<Ref[]> {
  const result = await runGit(cwd, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(*objectname)%00%(*objecttype)%00%(objecttype)%00%(symref)', 'refs/heads', 'refs/remotes', 'refs/tags']);
  if (result.code !== 0) throw new Error(`git for-each-ref failed: ${gitMessage(result.stderr)}`);
  const refs: Ref[] = [];
  for (const line of result.stdout.toString('utf8').split('\n')) {
    if (line === '') continue;
    const [name, oid, peeled, peeledType, type, symref] = line.split('\0');
    if (name === undefined || oid === undefined || (symref ?? '') !== '') continue;
    const commit = peeled !== undefined && peeled !== '' ? (peeledType === 'commit' ? peeled : undefined) : type === 'commit' ? oid : undefined;
    if (commit === undefined) continue;
    refs.push({ name, commit, branch: !name.startsWith('refs/tags/') });
  }
  return refs;
}

/** `refs/heads/main` → `main`, `refs/remotes/origin/x` → `origin/x`, `refs/tags/v1` → `v1`. */
export function shortRefName(name: string): string {
  return name.replace(/^refs\/(heads|remotes|tags)\//, '');
}

/**
 * The blob at each `commit:path`, from one `git cat-file --batch-check` (undefined where there is none).
 * Paths holding a newline cannot be asked for this way and are answered undefined.
 */
export async function blobsAt(cwd: string, queries: { commit: string; path: string }[]): Promise<(string | undefined)[]> {
  const asked = queries.map(({ commit, path }) => (path.includes('\n') ? undefined : `${commit}:${path}`));
  const input = asked.filter((query) => query !== undefined).join('\n');
  if (input === '') return asked.map(() => undefined);
  const result = await runGit(cwd, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], `${input}\n`);
  if (result.code !== 0) throw new Error(`git cat-file --batch-check failed: ${gitMessage(result.stderr)}`);
  const lines = result.stdout.toString('utf8').split('\n');
  let next = 0;
  return asked.map((query) => {
    if (query === undefined) return undefined;
    const line = lines[next++] ?? '';
    const [oid, type] = line.split(' ');
    return type === 'blob' ? oid : undefined;
  });
}
