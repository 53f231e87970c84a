import { rawLogArgs } from './raw-log.js';
import { runGit, unquotePath, ZERO_OID } from './spawn.js';

/** What one line of a lister's output names: a blob to read (with a path it is found at), a missing object, or nothing. */
export type ListedLine = { oid: string; path: string } | { missing: string } | undefined;

/**
 * A git command whose output names every blob of a history once each, parsed line by line as it
 * streams. Two are needed because neither does every selection on its own: see `rawLogLister`.
 */
export interface BlobLister {
  readonly args: string[];
  parse(line: string): ListedLine;
}

/**
 * `git rev-list --objects`: every object reachable from the selection minus what its negative
 * revisions reach, walking every tree of every commit. Needed for `--max-count` (the whole tree of the
 * oldest commit kept is in the selection, which no diff lists), blobs and trees that a ref names directly,
 * and partial clones (`--missing=print` goes on past a missing tree, where `git log` stops).
 */
export function revListLister(revArgs: string[]): BlobLister {
  return {
    args: ['rev-list', '--objects', '--filter=object:type=blob', '--missing=print', ...revArgs, '--'],
    parse(line) {
      if (line.startsWith('?')) return { missing: line.slice(1).trim() };
      const space = line.indexOf(' ');
      return space === -1 ? undefined : { oid: line.slice(0, space), path: line.slice(space + 1) };
    },
  };
}

const GITLINK_MODE = '160000';

/**
 * The attribution pass (`git log --raw -c`, ./blob-events.ts) read as a blob list: each blob is new in
 * the diff of some commit against its first parent (a merge's combined diff for what no parent had), so
 * the first time a line names it is the only time it needs reading. One walk of the history then does
 * both jobs that took two (rev-list's tree walk, then this log), and its output can be kept for the
 * attribution. Submodule entries (mode 160000) name commits of another repository and are skipped.
 */
export function rawLogLister(revArgs: string[]): BlobLister {
  const seen = new Set<string>();
  return {
    args: rawLogArgs(revArgs),
    parse(line) {
      // ':' starts a change; commit headers start with NUL.
      if (line.charCodeAt(0) !== 0x3a) return undefined;
      // Read in place (every field but the path has a fixed width): a history has millions of these lines.
      let parents = 1;
      while (line.charCodeAt(parents) === 0x3a) parents++;
      const modes = parents + 1;
      const newMode = line.slice(parents + parents * 7, parents + parents * 7 + 6);
      const newAt = parents + modes * 7 + parents * 41;
      if (newMode === GITLINK_MODE || line.charCodeAt(newAt + 40) !== 0x20) return undefined;
      const newOid = line.slice(newAt, newAt + 40);
      if (ZERO_OID.test(newOid)) return undefined;
      // The oid as 20 bytes in a string of its own: a slice of the line would keep the whole chunk of
      // log text it came from alive for as long as the set lives.
      const key = Buffer.from(newOid, 'hex').toString('latin1');
      if (seen.has(key)) return undefined;
      seen.add(key);
      const tab = line.indexOf('\t', newAt);
      return tab === -1 ? undefined : { oid: newOid, path: unquotePath(line.slice(tab + 1)) };
    },
  };
}

/**
 * The log lister, unless the selection holds something only rev-list's tree walk reaches: `--max-count`,
 * a ref naming a tree or blob (or a tag of a tag) under `--all`/`--tags`, or a partial clone's missing trees.
 */
export async function listerFor(cwd: string, revArgs: string[]): Promise<{ lister: BlobLister; recordsLog: boolean }> {
  const treeWalk = () => ({ lister: revListLister(revArgs), recordsLog: false });
  if (revArgs.some((arg) => arg.startsWith('--max-count'))) return treeWalk();
  const [promisor, refTypes] = await Promise.all([
    runGit(cwd, ['config', '--get-regexp', '^(extensions\\.partialclone|remote\\..*\\.promisor)$']),
    revArgs.includes('--all') || revArgs.includes('--tags') ? runGit(cwd, ['for-each-ref', '--format=%(objecttype) %(*objecttype)']) : undefined,
  ]);
  if (promisor.code === 0 && promisor.stdout.length > 0) return treeWalk();
  for (const line of refTypes?.stdout.toString('utf8').split('\n') ?? []) {
    const [type, target] = line.split(' ');
    if (line !== '' && (type === 'tag' ? target !== 'commit' : type !== 'commit')) return treeWalk();
  }
  return { lister: rawLogLister(revArgs), recordsLog: true };
}
