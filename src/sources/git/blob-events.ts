import { spawn } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { CommitInfo } from '../../engine/finding.js';
import { parseRawChange, rawLogArgs } from './raw-log.js';
import { GIT_ENV_OVERRIDES, gitArgv, gitMessage, spawnGit } from './spawn.js';

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
  /** Indexes (into the refs given) of the refs this commit is reachable from, ascending. */
  refs: number[];
}

/** Beyond this many blobs of interest, filter in JS instead of passing `--find-object` arguments. */
const MAX_FIND_OBJECT_ARGS = 256;

/**
 * Every commit of `revArgs` whose diff adds or drops one of `oids`, with the refs it is reachable from,
 * from one streamed `git log --raw` pass. `--date-order` lists no parent before its children, and
 * otherwise newest first, so the last commit that adds a secret is the earliest by topology, then date,
 * and each ref's label can be handed from child to parent as the walk goes: reachability costs no second
 * pass and no per-ref walk. Kept: the commits with such changes, and the labels of the walk's frontier
 * (commits seen as a parent, not yet listed), so memory follows the history's width, never its length.
 *
 * Every commit must be listed for the labels to flow, so git cannot filter with `--find-object` when
 * refs are asked for; it diffs every commit either way, and only prints more.
 */
export async function blobEvents(
  cwd: string,
  revArgs: string[],
  oids: ReadonlySet<string>,
  { filterInGit = true, refTips = [] }: { filterInGit?: boolean; refTips?: readonly string[] } = {},
): Promise<{ events: CommitEvents[]; error?: string }> {
  if (oids.size === 0) return { events: [] };
  const find = filterInGit && refTips.length === 0 && oids.size <= MAX_FIND_OBJECT_ARGS ? [...oids].map((oid) => `--find-object=${oid}`) : [];
  const log = spawnGit(cwd, rawLogArgs(revArgs, find));
  log.child.stdin.end();
  const parser = new RawLogParser(oids, refTips);
  await parseLines(log.child.stdout, parser);
  const code = await log.exited;
  return code === 0 ? { events: parser.events } : { events: parser.events, error: gitMessage(log.stderrText()) };
}

async function parseLines(stream: Readable, parser: RawLogParser): Promise<void> {
  let carry = '';
  stream.setEncoding('utf8');
  for await (const text of stream as AsyncIterable<string>) {
    const lines = (carry + text).split('\n');
    carry = lines.pop()!;
    for (const line of lines) parser.line(line);
  }
  if (carry !== '') parser.line(carry);
}

/** blobEvents' pass, run before the blobs of interest are known, its output kept on disk meanwhile. */
export interface RawLogRecording {
  /** The temporary file the log is written to (gone once `events` has read it, or `discard` was called). */
  readonly file: string;
  /**
   * What blobEvents answers for `oids`, read from the recording once all of it is written; undefined when
   * it could not be kept whole (a full disk), so the caller runs the pass itself.
   */
  events(oids: ReadonlySet<string>, refTips: readonly string[]): Promise<{ events: CommitEvents[]; error?: string } | undefined>;
  /** Removes the file unread (a clean history has nothing to trace). */
  discard(): void;
}

/** How the recorded log ended: its error message when git failed, `broken` when the copy is incomplete. */
type LogEnd = { error?: string; broken?: boolean };

/** A temporary file for a raw log, removed when the recording is read or discarded, or at exit. */
function recordingFile(ended: Promise<LogEnd>): { file: string; recording: RawLogRecording } {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-log-'));
  const file = join(dir, 'raw.log');
  const remove = () => {
    rmSync(dir, { recursive: true, force: true });
    process.removeListener('exit', remove);
  };
  process.once('exit', remove);
  const recording: RawLogRecording = {
    file,
    async events(oids, refTips) {
      try {
        const end = await ended;
        if (end.broken === true) return undefined;
        if (oids.size === 0) return { events: [] };
        const parser = new RawLogParser(oids, refTips);
        await parseLines(createReadStream(file), parser);
        return end.error === undefined ? { events: parser.events } : { events: parser.events, error: end.error };
      } finally {
        remove();
      }
    },
    discard: remove,
  };
  return { file, recording };
}

/**
 * Starts blobEvents' `git log --raw` now, writing to a temporary file, so a history scan can run it while
 * the blobs are still being matched instead of after: on a long history the pass costs about as much as
 * reading the trees did. Used when the blobs come from rev-list (./blob-list.ts); the scan starts it at
 * its first finding, so a clean history never pays for it. Memory stays flat (the log waits on disk, not in
 * the heap).
 */
export function recordRawLog(cwd: string, revArgs: string[]): RawLogRecording {
  let finish!: (end: LogEnd) => void;
  const { file, recording } = recordingFile(new Promise<LogEnd>((resolve) => (finish = resolve)));
  const fd = openSync(file, 'w');
  const child = spawn('git', gitArgv(rawLogArgs(revArgs)), { cwd, env: { ...process.env, ...GIT_ENV_OVERRIDES }, stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    if (stderr.length < 64 * 1024) stderr += text;
  });
  child.on('error', () => finish({ error: 'git log could not be started' }));
  child.on('close', (code, signal) => finish((code ?? (signal ? 128 : 1)) === 0 ? {} : { error: gitMessage(stderr) }));
  return recording;
}

/**
 * A copy of a raw log that someone else reads as it streams (the blob lister reads rawLogArgs' output):
 * `write` each chunk, then `end` with how git finished. A failed write (a full disk) marks the copy broken
 * rather than failing the scan.
 */
export function teeRawLog(): { write(chunk: Buffer): void; end(end: LogEnd): void; recording: RawLogRecording } {
  let finish!: (end: LogEnd) => void;
  const { file, recording } = recordingFile(new Promise<LogEnd>((resolve) => (finish = resolve)));
  let fd: number | undefined = openSync(file, 'w');
  let broken = false;
  const close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return {
    write(chunk) {
      if (fd === undefined) return;
      try {
        for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
      } catch {
        broken = true;
        close();
      }
    },
    end(end) {
      close();
      finish(broken ? { ...end, broken: true } : end);
    },
    recording,
  };
}

/**
 * Parses the output of `git log` with rawLogArgs (./raw-log.ts) line by line, keeping changes that touch `oids`.
 * `refTips[i]` is the commit ref i points at; labels flow from each listed commit to its parents.
 */
export class RawLogParser {
  readonly events: CommitEvents[] = [];
  readonly #oids: ReadonlySet<string>;
  readonly #labels: LabelSets;
  readonly #tips = new Map<string, number[]>();
  /** Labels waiting for commits listed as a parent but not yet reached. */
  readonly #pending = new Map<string, Labels>();
  #commit: CommitInfo | undefined;
  #commitLabels: Labels | undefined;
  #current: CommitEvents | undefined;
  #order = -1;

  constructor(oids: ReadonlySet<string>, refTips: readonly string[] = []) {
    this.#oids = oids;
    this.#labels = new LabelSets(refTips.length);
    refTips.forEach((sha, index) => {
      const list = this.#tips.get(sha);
      if (list === undefined) this.#tips.set(sha, [index]);
      else list.push(index);
    });
  }

  line(line: string): void {
    if (line.startsWith('\0')) {
      const [, sha, parents, authorName, authorEmail, date, subject] = line.split('\0');
      this.#commit = { sha: sha!, authorName: authorName!, authorEmail: authorEmail!, date: date!, subject: subject ?? '' };
      this.#current = undefined;
      this.#order++;
      this.#flow(sha!, parents ?? '');
      return;
    }
    if (!line.startsWith(':') || this.#commit === undefined) return;
    const raw = parseRawChange(line);
    if (raw === undefined) return;
    const oldKept = raw.oldOid !== undefined && this.#oids.has(raw.oldOid);
    const newKept = raw.newOid !== undefined && this.#oids.has(raw.newOid);
    if (!oldKept && !newKept) return;
    if (this.#current === undefined) {
      this.#current = { commit: this.#commit, order: this.#order, changes: [], refs: this.#labels.indexes(this.#commitLabels!) };
      this.events.push(this.#current);
    }
    const change: BlobChange = { path: raw.path };
    if (raw.oldOid !== undefined) change.oldOid = raw.oldOid;
    if (raw.newOid !== undefined) change.newOid = raw.newOid;
    this.#current.changes.push(change);
  }

  #flow(sha: string, parents: string): void {
    let labels = this.#pending.get(sha) ?? this.#labels.empty;
    this.#pending.delete(sha);
    for (const index of this.#tips.get(sha) ?? []) labels = this.#labels.with(labels, index);
    this.#commitLabels = labels;
    if (labels === this.#labels.empty || parents === '') return;
    for (const parent of parents.split(' ')) {
      const waiting = this.#pending.get(parent);
      this.#pending.set(parent, waiting === undefined ? labels : this.#labels.union(waiting, labels));
    }
  }
}

interface Labels {
  id: number;
  bits: Uint32Array;
}

/**
 * Sets of ref indexes as interned bitsets: most commits share their children's set, so handing one on is
 * a pointer copy, and a union (at a fork) is computed once per pair.
 */
class LabelSets {
  readonly empty: Labels;
  readonly #words: number;
  readonly #byKey = new Map<string, Labels>();
  #unions = new Map<string, Labels>();
  #nextId = 0;

  constructor(refCount: number) {
    this.#words = Math.ceil(refCount / 32);
    this.empty = this.#intern(new Uint32Array(this.#words));
  }

  with(labels: Labels, index: number): Labels {
    const bits = labels.bits.slice();
    bits[index >>> 5]! |= 1 << (index & 31);
    return this.#intern(bits);
  }

  union(a: Labels, b: Labels): Labels {
    if (a === b || b === this.empty) return a;
    if (a === this.empty) return b;
    const key = a.id < b.id ? `${a.id},${b.id}` : `${b.id},${a.id}`;
    let result = this.#unions.get(key);
    if (result === undefined) {
      const bits = new Uint32Array(this.#words);
      for (let i = 0; i < bits.length; i++) bits[i] = a.bits[i]! | b.bits[i]!;
      result = this.#intern(bits);
      if (this.#unions.size > 100_000) this.#unions = new Map();
      this.#unions.set(key, result);
    }
    return result;
  }

  indexes(labels: Labels): number[] {
    const out: number[] = [];
    labels.bits.forEach((word, w) => {
      for (let bit = 0; word !== 0 && bit < 32; bit++) if (word & (1 << bit)) out.push(w * 32 + bit);
    });
    return out;
  }

  #intern(bits: Uint32Array): Labels {
    const key = Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('latin1');
    let labels = this.#byKey.get(key);
    if (labels === undefined) this.#byKey.set(key, (labels = { id: this.#nextId++, bits }));
    return labels;
  }
}
