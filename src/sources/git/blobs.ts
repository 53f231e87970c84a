import { StringDecoder } from 'node:string_decoder';
import type { BlobLister } from './blob-list.js';
import { CatFileParser } from './cat-file.js';
import { reblocked } from './reblock.js';
import { gitMessage, spawnGit } from './spawn.js';

export interface BlobHandlers {
  /** A blob is about to stream: return a view of `size` bytes to fill, or undefined to skip it. */
  blob(oid: string, path: string, size: number): Uint8Array | undefined;
  /** The blob announced last is complete (kept or not). */
  blobEnd(oid: string, path: string, size: number): void;
  /** An object the history names but the repository cannot give (shallow/partial clone, corruption). */
  missing(oid: string, path: string | undefined): void;
  /** Called after each chunk of cat-file output; a promise it returns holds git back until it settles. */
  drain(): Promise<void> | void;
}

export interface BlobStreamResult {
  /** Blobs the lister named (each once). */
  listed: number;
  /** The lister failed: its message (a bad revision, a corrupt commit or tree). */
  listError?: string;
  /** What cat-file said on stderr, to tell a corrupt object from a missing one. */
  catFileStderr: string;
}

/**
 * Every version of a file but one is stored as a delta on another, and reading the history walks the
 * chains: with git's default 96 MB of inflated bases kept, git re-inflated so many that reading every blob
 * of a 2.65 GB history took 22-27 CPU seconds; with 192 MB, 14-19 (and 316 MB resident instead of 248).
 */
const DELTA_BASE_CACHE = '192m';

/** Names waiting for their answer from cat-file; kept short so a huge history never sits in memory. */
const QUEUE_HIGH = 16_384;
const QUEUE_LOW = 4_096;

export interface BlobStreamOptions {
  onListed?: (count: number, done: boolean) => void;
  onSized?: (bytes: number, done: boolean) => void;
  /** Gets the lister's output, byte for byte, as it streams (history keeps its log for the attribution). */
  tee?: (chunk: Buffer) => void;
}

/**
 * Every blob a lister names (./blob-list.ts), each exactly once, streamed with its content: the lister's
 * output is fed, as it comes, into one `git cat-file --batch` whose answers stream into `handlers`.
 * Both run while the caller matches; nothing waits for the full list.
 */
export async function streamBlobs(cwd: string, lister: BlobLister, handlers: BlobHandlers, { onListed, onSized, tee }: BlobStreamOptions = {}): Promise<BlobStreamResult> {
  // --buffer: git flushes when its buffer fills, not after every object (which costs a syscall per blob).
  const catFile = spawnGit(cwd, ['-c', `core.deltaBaseCacheLimit=${DELTA_BASE_CACHE}`, 'cat-file', '--batch', '--buffer']);
  const output = await reblocked(catFile.child.stdout);
  // Started after that await, with its listeners in the same turn: a lister that fails at once (a bad
  // revision) would otherwise exit and have its output flushed to nobody before they are attached.
  const listing = spawnGit(cwd, lister.args);
  // Only a progress display wants the total size up front: object headers alone, in a second cat-file.
  const sizer = onSized === undefined ? undefined : sizeBlobs(cwd, onSized);
  const queue: { oid: string; path: string }[] = [];
  let head = 0;
  let listed = 0;
  let paused = false;
  let carry = '';

  const take = (oid: string) => {
    const entry = queue[head];
    if (entry === undefined || entry.oid !== oid) throw new Error(`git cat-file answered ${oid}, expected ${entry?.oid ?? 'nothing'}`);
    queue[head++] = undefined as never;
    if (head > 4096 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    if (paused && queue.length - head < QUEUE_LOW) {
      paused = false;
      listing.child.stdout.resume();
    }
    return entry;
  };

  let request = '';
  const onLine = (line: string) => {
    const named = lister.parse(line);
    if (named === undefined) return;
    if ('missing' in named) {
      handlers.missing(named.missing, undefined);
      return;
    }
    queue.push(named);
    listed++;
    request += `${named.oid}\n`;
  };

  const decoder = new StringDecoder('utf8');
  listing.child.stdout.on('data', (chunk: Buffer) => {
    tee?.(chunk);
    const lines = (carry + decoder.write(chunk)).split('\n');
    carry = lines.pop()!;
    for (const line of lines) if (line !== '') onLine(line);
    // One write per chunk of names, not one per blob.
    if (request !== '') {
      catFile.child.stdin.write(request);
      sizer?.write(request);
    }
    request = '';
    onListed?.(listed, false);
    if (!paused && queue.length - head > QUEUE_HIGH) {
      paused = true;
      listing.child.stdout.pause();
    }
  });
  listing.child.stdout.on('end', () => {
    carry += decoder.end();
    if (carry !== '') onLine(carry);
    carry = '';
    onListed?.(listed, true);
    sizer?.end(request);
    catFile.child.stdin.end(request);
    request = '';
  });

  let currentPath = '';
  const parser = new CatFileParser({
    object: (oid, _type, size) => {
      currentPath = take(oid).path;
      return handlers.blob(oid, currentPath, size);
    },
    objectEnd: (oid, _type, size) => handlers.blobEnd(oid, currentPath, size),
    missing: (oid) => handlers.missing(oid, take(oid).path),
  });

  try {
    await output.consume((chunk) => {
      parser.push(chunk);
      return handlers.drain();
    });
  } catch (error) {
    listing.child.kill();
    catFile.child.kill();
    output.kill();
    sizer?.kill();
    throw error;
  }
  sizer?.kill();
  const catCode = await catFile.exited;
  if (queue.length - head > 0 || catCode !== 0) {
    // cat-file stopped before answering everything: stop the lister too, and say why.
    listing.child.kill();
    await listing.exited.catch(() => 1);
    throw new Error(`git cat-file stopped early: ${gitMessage(catFile.stderrText())}`);
  }
  const listCode = await listing.exited;
  const result: BlobStreamResult = { listed, catFileStderr: catFile.stderrText() };
  if (listCode !== 0) result.listError = gitMessage(listing.stderrText());
  if (!parser.idle) throw new Error('git cat-file ended in the middle of an object');
  return result;
}

/** Sums blob sizes from `git cat-file --batch-check` as names are written to it; reports as it goes. */
function sizeBlobs(cwd: string, onSized: (bytes: number, done: boolean) => void): { write(names: string): void; end(names: string): void; kill(): void } {
  const check = spawnGit(cwd, ['cat-file', '--batch-check=%(objectsize)', '--buffer']);
  let bytes = 0;
  let carry = '';
  let finished = false;
  check.child.stdout.setEncoding('utf8');
  check.child.stdout.on('data', (text: string) => {
    const lines = (carry + text).split('\n');
    carry = lines.pop()!;
    for (const line of lines) {
      const size = Number(line);
      if (Number.isSafeInteger(size)) bytes += size;
    }
    onSized(bytes, false);
  });
  check.child.stdout.on('end', () => {
    finished = true;
    onSized(bytes, true);
  });
  check.exited.catch(() => {});
  return {
    write: (names) => {
      check.child.stdin.write(names);
    },
    end: (names) => check.child.stdin.end(names),
    // The total is a courtesy: once the scan is over nobody waits for it.
    kill: () => {
      if (!finished) check.child.kill();
    },
  };
}
