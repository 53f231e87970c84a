import type { CommitInfo } from '../../engine/finding.js';
import { gitMessage, spawnGit, unquotePath } from './spawn.js';

/** A file change of one commit (against its first parent) that adds or drops a blob of interest. */
export interface BlobChange {
  path: string;
  /** The blob before the change; absent when the file was added. */
  oldOid?: string;
  /** The blob after it; absent when the file was deleted. */
  newOid?: string;
}

/** A commit that touched a blob of interest, in the order git listed it (newest first, children before parents). */
export interface CommitEvents {
  commit: CommitInfo;
  /** Its position in that order: 0 is the newest. Smaller means later in history. */
  order: number;
  changes: BlobChange[];
}

/** Beyond this many blobs of interest, filter in JS instead of passing `--find-object` arguments. */
const MAX_FIND_OBJECT_ARGS = 256;
const FORMAT = '%x00%H%x00%an%x00%ae%x00%aI%x00%s';
const NULL_OID = /^0+$/;

/**
 * Every commit of `revArgs` whose diff adds or drops one of `oids`, from one streamed `git log --raw` pass.
 * `--date-order` lists no parent before its children, and otherwise newest first, so the last commit that
 * adds a secret is the earliest by topology, then date. Only commits with such changes are kept: memory
 * grows with the blobs that hold findings, never with the history.
 */
export async function blobEvents(
  cwd: string,
  revArgs: string[],
  oids: ReadonlySet<string>,
  { filterInGit = true }: { filterInGit?: boolean } = {},
): Promise<{ events: CommitEvents[]; error?: string }> {
  if (oids.size === 0) return { events: [] };
  const find = filterInGit && oids.size <= MAX_FIND_OBJECT_ARGS ? [...oids].map((oid) => `--find-object=${oid}`) : [];
  const log = spawnGit(cwd, ['log', `--format=${FORMAT}`, '--date-order', '--raw', '--no-abbrev', '--no-renames', ...find, ...revArgs, '--']);
  log.child.stdin.end();
  const parser = new RawLogParser(oids);
  let carry = '';
  log.child.stdout.setEncoding('utf8');
  for await (const text of log.child.stdout as AsyncIterable<string>) {
    const lines = (carry + text).split('\n');
    carry = lines.pop()!;
    for (const line of lines) parser.line(line);
  }
  if (carry !== '') parser.line(carry);
  const code = await log.exited;
  return code === 0 ? { events: parser.events } : { events: parser.events, error: gitMessage(log.stderrText()) };
}

/** Parses `git log --format=<FORMAT> --raw --no-abbrev` line by line, keeping changes that touch `oids`. */
export class RawLogParser {
  readonly events: CommitEvents[] = [];
  readonly #oids: ReadonlySet<string>;
  #commit: CommitInfo | undefined;
  #current: CommitEvents | undefined;
  #order = -1;

  constructor(oids: ReadonlySet<string>) {
    this.#oids = oids;
  }

  line(line: string): void {
    if (line.startsWith('\0')) {
      const [, sha, authorName, authorEmail, date, subject] = line.split('\0');
      this.#commit = { sha: sha!, authorName: authorName!, authorEmail: authorEmail!, date: date!, subject: subject ?? '' };
      this.#current = undefined;
      this.#order++;
      return;
    }
    if (!line.startsWith(':') || this.#commit === undefined) return;
    // :100644 100644 <old> <new> M\t<path>
    const tab = line.indexOf('\t');
    if (tab === -1) return;
    const fields = line.slice(1, tab).split(' ');
    const oldOid = fields[2];
    const newOid = fields[3];
    const oldKept = oldOid !== undefined && !NULL_OID.test(oldOid) && this.#oids.has(oldOid);
    const newKept = newOid !== undefined && !NULL_OID.test(newOid) && this.#oids.has(newOid);
    if (!oldKept && !newKept) return;
    if (this.#current === undefined) {
      this.#current = { commit: this.#commit, order: this.#order, changes: [] };
      this.events.push(this.#current);
    }
    const change: BlobChange = { path: unquotePath(line.slice(tab + 1)) };
    if (oldOid !== undefined && !NULL_OID.test(oldOid)) change.oldOid = oldOid;
    if (newOid !== undefined && !NULL_OID.test(newOid)) change.newOid = newOid;
    this.#current.changes.push(change);
  }
}
