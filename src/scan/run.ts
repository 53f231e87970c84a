/**
 * The one scan driver: pulls chunks from a source, matches them on this thread or, once the input proves
 * large, on a pool of worker threads, and pushes findings into a sink as each piece of work comes back. It
 * owns batching (files in groups, bytes in shared ArrayBuffers), back-pressure (a source is not pulled while
 * the pool is full, so git or the walker waits) and expanders (containers become member chunks). It knows
 * nothing of formats, baselines or exit codes.
 */
import { createEngine, engineOptionsOf, type Engine, type EngineOptions } from '../engine/index.js';
import type { Finding } from '../engine/finding.js';
import type { Rule } from '../rules/types.js';
import type { ExpandContext, ExpanderEntry } from '../sources/expanders.js';
import type { ReadPolicy } from '../sources/read.js';
import { addStats, emptyStats, type ScanStats } from '../sources/stats.js';
import type { BytesChunk, Chunk, ChunkBatch, FileChunk, Source, SourceContext } from '../sources/types.js';
import { formatBytes } from '../units.js';
import { defaultThreadCount, ScanPool, type ScanTask, type TaskResult } from './pool.js';
import { scanBytesChunk, scanFileChunk } from './scan-chunk.js';
import type { ScanSink } from './sink.js';

export interface ScannerOptions extends EngineOptions {
  rules: Rule[];
  maxFileSize: number;
  /** Worker threads; 1 scans on the calling thread. Defaults to the number of cores (at most 8). */
  threads?: number;
  expanders?: readonly ExpanderEntry[];
  /** Containers inside containers are opened this deep (default 2). */
  expandDepth?: number;
  /** Window size for huge files (tests make it small). */
  windowBytes?: number;
  signal?: AbortSignal;
}

/** Below these a scan stays on the calling thread: starting workers would cost more than it saves. */
export const FILES_BEFORE_WORKERS = 512;
const BYTES_BEFORE_WORKERS = 4 * 1024 * 1024;
const FILES_PER_TASK = 128;
const TASK_BYTES = 2 * 1024 * 1024;
const TASK_CHUNKS = 4096;
const TASKS_IN_FLIGHT_PER_WORKER = 3;
const DEFAULT_EXPAND_DEPTH = 2;

interface Work {
  task: ScanTask;
  sink: ScanSink;
  files: number;
  bytes: number;
  /** The batch's `release`: its bytes are no longer read once the task is done. */
  release?: () => void;
}

/**
 * A scanner runs one source after another with the same engine and pool (a pool starts at most once), and
 * adds every source's counters into `stats`.
 */
export class Scanner {
  readonly stats: ScanStats = emptyStats();
  readonly #options: ScannerOptions;
  readonly #threads: number;
  readonly #policy: ReadPolicy;
  #engine: Engine | undefined;
  #pool: ScanPool | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #held: Work[] = [];
  #heldFiles = 0;
  #heldBytes = 0;

  constructor(options: ScannerOptions) {
    this.#options = options;
    this.#threads = Math.max(1, Math.floor(options.threads ?? defaultThreadCount()));
    this.#policy = { maxFileSize: options.maxFileSize, ...(options.windowBytes === undefined ? {} : { windowBytes: options.windowBytes }) };
  }

  /** Scans every chunk of `source`; resolves when all of its findings are in `sink`. */
  async run(source: Source, sink: ScanSink): Promise<void> {
    const unit = source.unit ?? 'files';
    const context: SourceContext = {
      maxFileSize: this.#options.maxFileSize,
      stats: this.stats,
      warn: (message) => sink.warning(message),
      ...(this.#options.signal === undefined ? {} : { signal: this.#options.signal }),
    };
    const state = { files: [] as FileChunk[], bytes: newByteBatch(), unit, sink };
    const expand = async (item: Chunk, expander: ExpanderEntry, depth: number): Promise<void> => {
      const expandContext: ExpandContext = { ...context, depth: depth + 1, maxDepth: this.#options.expandDepth ?? DEFAULT_EXPAND_DEPTH };
      for await (const member of (await expander.load()).expand(item, expandContext)) await take(member, depth + 1);
    };
    // Synchronous for the common case (a file joins a batch): a promise only when work is handed on.
    const take = (item: Chunk | ChunkBatch, depth: number): Promise<void> | undefined => {
      if ('batch' in item) {
        const work: Work = { task: { kind: 'chunks', chunks: item.batch, unit }, sink, files: 0, bytes: byteLength(item.batch) };
        if (item.release !== undefined) work.release = item.release;
        return this.#submitBytes(state).then(() => this.#submit(work));
      }
      const expander = depth < (this.#options.expandDepth ?? DEFAULT_EXPAND_DEPTH) ? this.#expanderFor(item) : undefined;
      if (expander !== undefined) return expand(item, expander, depth);
      if ('file' in item) {
        if (item.explicit) {
          // Named files are read here and now: a pipe must be read by the process that was given it.
          this.#deliver(sink, { findings: scanFileChunk(this.#engineHere(), item, this.#policy, this.stats, context.warn), warnings: [], stats: emptyStats() });
          return undefined;
        }
        state.files.push(item);
        return state.files.length >= FILES_PER_TASK ? this.#submitFiles(state) : undefined;
      }
      return this.#takeBytes(state, item, context);
    };
    for await (const item of source.chunks(context)) {
      const handedOn = take(item, 0);
      if (handedOn !== undefined) await handedOn;
    }
    await this.#submitFiles(state);
    await this.#submitBytes(state);
    await this.#settle();
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await this.#pool?.close();
    this.#pool = undefined;
  }

  #expanderFor(chunk: Chunk): ExpanderEntry | undefined {
    const expanders = this.#options.expanders;
    if (expanders === undefined || expanders.length === 0) return undefined;
    const head = 'data' in chunk ? chunk.data.subarray(0, 512) : undefined;
    return expanders.find((entry) => entry.claims(chunk.origin, head));
  }

  #engineHere(): Engine {
    return (this.#engine ??= createEngine(this.#options.rules, engineOptionsOf(this.#options)));
  }

  /** A single bytes chunk is copied into the driver's batch buffer, which is then the worker's to keep. */
  async #takeBytes(state: { bytes: ByteBatch; unit: 'files' | 'blobs'; sink: ScanSink }, chunk: BytesChunk, context: SourceContext): Promise<void> {
    const size = chunk.data.length;
    if (size > this.#options.maxFileSize) {
      this.stats.filesTooLarge++;
      context.warn(`skipped ${chunk.origin.path}: ${formatBytes(size)} is over the ${formatBytes(this.#options.maxFileSize)} limit (--max-file-size)`);
      return;
    }
    if (size > TASK_BYTES) {
      await this.#submitBytes(state);
      const own = Buffer.allocUnsafeSlow(size);
      chunk.data.copy(own);
      await this.#submit({ task: { kind: 'chunks', chunks: [{ data: own, origin: chunk.origin }], unit: state.unit }, sink: state.sink, files: 0, bytes: size });
      return;
    }
    if (state.bytes.used + size > TASK_BYTES) await this.#submitBytes(state);
    const buffer = (state.bytes.buffer ??= Buffer.allocUnsafeSlow(TASK_BYTES));
    const view = buffer.subarray(state.bytes.used, state.bytes.used + size);
    chunk.data.copy(view);
    state.bytes.used += size;
    state.bytes.chunks.push({ data: view, origin: chunk.origin });
    if (state.bytes.chunks.length >= TASK_CHUNKS) await this.#submitBytes(state);
  }

  async #submitBytes(state: { bytes: ByteBatch; unit: 'files' | 'blobs'; sink: ScanSink }): Promise<void> {
    if (state.bytes.chunks.length === 0) return;
    const { chunks, used } = state.bytes;
    state.bytes = newByteBatch();
    await this.#submit({ task: { kind: 'chunks', chunks, unit: state.unit }, sink: state.sink, files: 0, bytes: used });
  }

  async #submitFiles(state: { files: FileChunk[]; sink: ScanSink }): Promise<void> {
    if (state.files.length === 0) return;
    const files = state.files;
    state.files = [];
    await this.#submit({ task: { kind: 'files', files, policy: this.#policy }, sink: state.sink, files: files.length, bytes: 0 });
  }

  /** Work goes to the pool once there is one; before that it is held until the input proves large enough. */
  async #submit(work: Work): Promise<void> {
    if (this.#pool !== undefined) return this.#dispatch(work);
    if (this.#threads <= 1) return this.#scanHere(work);
    this.#held.push(work);
    this.#heldFiles += work.files;
    this.#heldBytes += work.bytes;
    if (this.#heldFiles < FILES_BEFORE_WORKERS && this.#heldBytes < BYTES_BEFORE_WORKERS) return;
    this.#pool = new ScanPool(this.#threads, { rules: this.#options.rules, engineOptions: engineOptionsOf(this.#options) });
    const held = this.#held;
    this.#held = [];
    for (const waiting of held) await this.#dispatch(waiting);
  }

  async #dispatch(work: Work): Promise<void> {
    const pool = this.#pool!;
    const task = pool.submit(work.task).then((result) => this.#deliver(work.sink, result));
    const tracked: Promise<void> = task.finally(() => {
      this.#inFlight.delete(tracked);
      work.release?.();
    });
    this.#inFlight.add(tracked);
    while (this.#inFlight.size >= pool.size * TASKS_IN_FLIGHT_PER_WORKER) await Promise.race(this.#inFlight);
  }

  #scanHere(work: Work): void {
    const engine = this.#engineHere();
    const stats = emptyStats();
    const warnings: string[] = [];
    const findings: Finding[] = [];
    const { task } = work;
    if (task.kind === 'files') {
      for (const file of task.files) findings.push(...scanFileChunk(engine, file, task.policy, stats, (message) => warnings.push(message)));
    } else {
      for (const chunk of task.chunks) {
        const data = Buffer.isBuffer(chunk.data) ? chunk.data : Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
        findings.push(...scanBytesChunk(engine, { data, origin: chunk.origin }, task.unit, stats));
      }
    }
    work.release?.();
    this.#deliver(work.sink, { findings, warnings, stats });
  }

  #deliver(sink: ScanSink, result: TaskResult): void {
    addStats(this.stats, result.stats);
    for (const message of result.warnings) sink.warning(message);
    for (const finding of result.findings) sink.finding(finding);
  }

  /** Whatever is still held (a small input) is scanned here; then every task in flight is awaited. */
  async #settle(): Promise<void> {
    if (this.#pool === undefined) {
      const held = this.#held;
      this.#held = [];
      this.#heldFiles = 0;
      this.#heldBytes = 0;
      for (const work of held) this.#scanHere(work);
    }
    await Promise.all(this.#inFlight);
  }
}

interface ByteBatch {
  /** Allocated on the first chunk: most scans hold no bytes chunks at all. */
  buffer: Buffer | undefined;
  used: number;
  chunks: { data: Uint8Array; origin: BytesChunk['origin'] }[];
}

function newByteBatch(): ByteBatch {
  return { buffer: undefined, used: 0, chunks: [] };
}

function byteLength(chunks: readonly BytesChunk[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.data.length;
  return total;
}

/** Scans one source with a scanner of its own: the simplest way in for a library caller. */
export async function runSource(source: Source, options: ScannerOptions, sink: ScanSink): Promise<ScanStats> {
  const scanner = new Scanner(options);
  try {
    await scanner.run(source, sink);
  } finally {
    await scanner.close();
  }
  return scanner.stats;
}
