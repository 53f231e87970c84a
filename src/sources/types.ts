/**
 * The source contract (issue 11). A source turns one kind of input (a tree, stdin, the index, a push range,
 * a history, an archive, a container image) into chunks; it knows nothing of rules or reports. The one scan
 * driver (src/scan/run.ts) pulls chunks, matches them (on worker threads when the input is large) and, when
 * the source has one, calls `attribute` on what matched (history traces blobs to commits there).
 *
 * File reading, size limits, the binary sniff and UTF-16 transcoding live once, in the source layer
 * (src/sources/read.ts): a source either hands over bytes it already has, or names a file that the driver
 * (or a worker) reads with that one reader.
 *
 * Adding a source: one file under src/sources/ exporting a SourceDefinition, plus one line in
 * src/sources/registry.ts. Containers found inside a source (archives) are expanders: src/sources/expanders.ts.
 */
import type { Finding, Origin } from '../engine/finding.js';
import type { ScanStats } from './stats.js';

/** Bytes the source already holds (a blob, an index entry, an archive member). */
export interface BytesChunk {
  data: Buffer;
  origin: Origin;
}

/** A file the reader opens where the chunk is matched, so large trees never copy bytes between threads. */
export interface FileChunk {
  file: string;
  origin: Origin;
  /** The user named this file: skipping it deserves a warning, not just a count. */
  explicit?: boolean;
  /** An already open descriptor to read to its end instead of opening `file` (stdin); never closed. */
  fd?: number;
}

export type Chunk = BytesChunk | FileChunk;

/**
 * Many small chunks at once, in memory the source hands over: the driver sends the batch to a worker as
 * one task without copying it. Chunks in ArrayBuffers (allocated with Buffer.allocUnsafeSlow, never touched
 * again) are transferred for good; chunks in a SharedArrayBuffer are shared, and `release` tells the source
 * when the task is done with them, so it can fill that memory again. History streams its blobs this way; a
 * source that yields single chunks pays one copy into the driver's own batch instead.
 */
export interface ChunkBatch {
  batch: BytesChunk[];
  /** Called once, when no worker reads the batch's bytes any more (scanned, or the task failed). */
  release?: () => void;
}

export interface SourceContext {
  maxFileSize: number;
  stats: ScanStats;
  warn(message: string): void;
  signal?: AbortSignal;
}

export interface Source {
  /** For summaries and errors: `worktree`, `stdin`, `staged`, `history`, `archive`, `image`. */
  readonly name: string;
  /** What a summary counts this source's chunks as (default `files`). */
  readonly unit?: 'files' | 'blobs';
  /** Where the config search starts (the repository root for git sources), if the source knows better than the cwd. */
  readonly root?: string;
  chunks(context: SourceContext): AsyncIterable<Chunk | ChunkBatch>;
  /**
   * After matching: turn findings on chunks into findings on the source's own terms (history: commits,
   * introduced/removed, occurrences; staged: only added lines). Returns new findings; never mutates its input.
   */
  attribute?(findings: readonly Finding[], context: SourceContext): Promise<Finding[]>;
  /**
   * Called once, when the scan produces its first finding: a source whose `attribute` needs a pass of its
   * own over the source (history: the commits' diffs) may start it now, beside the matching, rather than
   * after it. A scan without findings never calls it, so it never pays for that pass.
   */
  findingsAhead?(): void;
}

/** What a source file exports; the registry loads it lazily, so a scan pays only for the source it uses. */
export interface SourceDefinition<Options> {
  readonly name: string;
  /** Checks the input (a missing path, a bare repository: a KeywardError, exit 2) and builds the source. */
  open(options: Options): Promise<Source>;
}
