/**
 * The source contract (issue 11). A source turns one kind of input (a tree, stdin, the index, a push range,
 * a history, an archive, a container image) into chunks; it knows nothing of rules or reports. The one scan
 * driver (src/scan/run.ts) pulls chunks, matches them (on worker threads when the input is large) and, when
 * the source has one, calls `attribute` on what matched (history traces blobs to commits there).
 *
 * File reading, size limits, the binary sniff and UTF-16 transcoding live once, in the source layer
 * (src/sources/read.ts): a source either hands over bytes it already has, or names a file that the driver
 * (or a worker) reads with that one reader.
 */
import type { Finding, Origin } from '../engine/finding.js';
import type { ScanStats } from '../scan/stats.js';

/** Bytes the source already holds (a blob, stdin, an archive member). */
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
}

export type Chunk = BytesChunk | FileChunk;

export interface SourceContext {
  maxFileSize: number;
  stats: ScanStats;
  warn(message: string): void;
  signal?: AbortSignal;
}

export interface Source {
  /** For summaries and errors: `worktree`, `stdin`, `staged`, `history`, `archive`, `image`. */
  readonly name: string;
  chunks(context: SourceContext): AsyncIterable<Chunk>;
  /**
   * After matching: turn findings on chunks into findings on the source's own terms (history: commits,
   * introduced/removed, occurrences). Returns new findings; never mutates its input.
   */
  attribute?(findings: readonly Finding[], context: SourceContext): Promise<Finding[]>;
}
