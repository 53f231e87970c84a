import { unquotePath, ZERO_OID } from './spawn.js';

/** Each commit's header line: NUL, then sha, parents, author name, email, ISO date and subject, NUL-separated. */
const FORMAT = '%x00%H%x00%P%x00%an%x00%ae%x00%aI%x00%s';

/**
 * The one `git log --raw` every history pass reads (./blob-list.ts lists blobs from it, ./blob-events.ts
 * traces findings through it). `--date-order` lists no parent before its children; `-c` adds a merge's
 * combined diff, which names exactly the blobs no parent had (a conflict resolution, an evil merge);
 * `--root` diffs a root (or shallow) commit against the empty tree whatever log.showRoot says.
 */
export function rawLogArgs(revArgs: string[], find: string[] = []): string[] {
  return ['log', `--format=${FORMAT}`, '--date-order', '--raw', '-c', '--root', '--no-abbrev', '--no-renames', ...find, ...revArgs, '--'];
}

export interface RawChange {
  path: string;
  /** The first parent's blob at the path (absent when the file is new to it). */
  oldOid?: string;
  /** The commit's blob at the path (absent when the file was deleted). */
  newOid?: string;
  newMode: string;
}

/**
 * One `--raw` line: `:<old mode> <new mode> <old> <new> <status>\t<path>`, or for a merge's combined diff
 * one colon per parent, `::<mode per parent> <new mode> <oid per parent> <new> <statuses>\t<path>`.
 */
export function parseRawChange(line: string): RawChange | undefined {
  const tab = line.indexOf('\t');
  if (tab === -1) return undefined;
  let parents = 0;
  while (line.charCodeAt(parents) === 0x3a) parents++;
  if (parents === 0) return undefined;
  const fields = line.slice(parents, tab).split(' ');
  if (fields.length < 2 * parents + 3) return undefined;
  const change: RawChange = { path: unquotePath(line.slice(tab + 1)), newMode: fields[parents]! };
  const oldOid = fields[parents + 1]!;
  const newOid = fields[2 * parents + 1]!;
  if (!ZERO_OID.test(oldOid)) change.oldOid = oldOid;
  if (!ZERO_OID.test(newOid)) change.newOid = newOid;
  return change;
}
