import type { Appearance, CommitInfo } from '../../engine/finding.js';
import { gitMessage, spawnGit, unquotePath } from './spawn.js';

export interface Provenance {
  /** The oldest commit whose diff adds this blob, and the path it added it at. */
  introduced: { commit: CommitInfo; path: string };
  /** Every (commit, path) whose diff adds the blob, oldest first, capped. */
  appearances: Appearance[];
  /** How many there are in all (the list may be capped). */
  count: number;
}

export const DEFAULT_APPEARANCE_CAP = 20;
/** Beyond this many blobs of interest, filter in JS instead of passing `--find-object` arguments. */
const MAX_FIND_OBJECT_ARGS = 256;
const FORMAT = '%x00%H%x00%an%x00%ae%x00%aI%x00%s';

/**
 * Where blobs came from: one `git log --raw` pass over the same revisions, streamed, keeping only the
 * entries that add one of `oids`. Run only for blobs that produced findings, so a clean history never
 * pays for it. `git log` lists newest first, so the last addition seen is the introducing one.
 */
export async function findProvenance(
  cwd: string,
  revArgs: string[],
  oids: Set<string>,
  { cap = DEFAULT_APPEARANCE_CAP, filterInGit = true }: { cap?: number; filterInGit?: boolean } = {},
): Promise<{ provenance: Map<string, Provenance>; error?: string }> {
  const provenance = new Map<string, Provenance>();
  if (oids.size === 0) return { provenance };
  const find = filterInGit && oids.size <= MAX_FIND_OBJECT_ARGS ? [...oids].map((oid) => `--find-object=${oid}`) : [];
  const log = spawnGit(cwd, ['log', `--format=${FORMAT}`, '--raw', '--no-abbrev', '--no-renames', ...find, ...revArgs, '--']);
  const seen = new Map<string, { newest: Appearance[]; count: number; oldest?: { commit: CommitInfo; path: string } }>();
  let commit: CommitInfo | undefined;

  const onLine = (line: string) => {
    if (line.startsWith('\0')) {
      const [, sha, authorName, authorEmail, date, subject] = line.split('\0');
      commit = { sha: sha!, authorName: authorName!, authorEmail: authorEmail!, date: date!, subject: subject ?? '' };
      return;
    }
    if (!line.startsWith(':') || commit === undefined) return;
    // :100644 100644 <old> <new> M\t<path>
    const tab = line.indexOf('\t');
    if (tab === -1) return;
    const fields = line.slice(1, tab).split(' ');
    const newOid = fields[3];
    if (newOid === undefined || !oids.has(newOid)) return;
    const path = unquotePath(line.slice(tab + 1));
    let entry = seen.get(newOid);
    if (entry === undefined) seen.set(newOid, (entry = { newest: [], count: 0 }));
    entry.count++;
    entry.oldest = { commit, path };
    // Keep the oldest `cap` appearances: the window slides as older ones arrive.
    entry.newest.push({ commit: commit.sha, path });
    if (entry.newest.length > cap) entry.newest.shift();
  };

  let carry = '';
  log.child.stdin.end();
  log.child.stdout.setEncoding('utf8');
  for await (const text of log.child.stdout as AsyncIterable<string>) {
    const lines = (carry + text).split('\n');
    carry = lines.pop()!;
    for (const line of lines) onLine(line);
  }
  if (carry !== '') onLine(carry);
  const code = await log.exited;
  for (const [oid, entry] of seen) {
    if (entry.oldest === undefined) continue;
    provenance.set(oid, { introduced: entry.oldest, appearances: entry.newest.reverse(), count: entry.count });
  }
  return code === 0 ? { provenance } : { provenance, error: gitMessage(log.stderrText()) };
}
