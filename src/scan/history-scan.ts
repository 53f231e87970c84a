import type { Finding, Origin } from '../engine/finding.js';
import { createEngine, engineOptionsOf, scanChunk, type Engine, type EngineOptions } from '../engine/index.js';
import { KeywardError } from '../errors.js';
import type { Rule } from '../rules/types.js';
import { streamBlobs } from '../sources/git/blobs.js';
import { attributeIncidents } from '../sources/git/incidents.js';
import { defaultThreadCount, ScanPool } from './pool.js';
import { NO_PROGRESS, type Progress } from './progress.js';
import { formatBytes } from './scan-file.js';
import type { ScanSink } from './sink.js';
import { addStats, emptyStats, type ScanStats } from './stats.js';

export interface HistoryScanOptions extends EngineOptions {
  rules: Rule[];
  maxFileSize: number;
  /** A directory inside the repository (already checked to be one). */
  cwd: string;
  /** Which history: `--all`, `--branches`, `A..B`, `local --not --remotes`, `--max-count=N`… */
  revArgs: string[];
  /** Worker threads; 1 scans on the calling thread. Defaults to the number of cores. */
  threads?: number;
  /** Longest occurrence list per finding (--max-occurrences). */
  maxOccurrences?: number;
  progress?: Progress;
}

export interface HistoryScanResult {
  stats: ScanStats;
  /** Errors kept every blob from being read: the CLI exits 2. */
  nothingScanned: boolean;
}

/** Bytes of blobs per worker task: big enough to amortise a message, small enough to keep both cores busy. */
const TASK_BYTES = 2 * 1024 * 1024;
const TASK_BLOBS = 4096;
/** A small history (a push of a few commits) never starts workers. */
const BYTES_BEFORE_WORKERS = 4 * 1024 * 1024;
const TASKS_IN_FLIGHT_PER_WORKER = 2;
const BINARY_SNIFF_BYTES = 8000;
const WARNINGS_PER_KIND = 10;

interface Batch {
  chunks: { data: Uint8Array; origin: Origin }[];
  bytes: number;
}

/**
 * Scans every unique blob of a history once. git streams blob contents into batches (one ArrayBuffer
 * each) that worker threads match while git keeps streaming; only blobs that produced findings are
 * then traced to the commits and paths that introduced them.
 */
export async function scanHistory(options: HistoryScanOptions, sink: ScanSink): Promise<HistoryScanResult> {
  const stats = emptyStats();
  const threads = options.threads ?? defaultThreadCount();
  const progress = options.progress ?? NO_PROGRESS;
  const findings: Finding[] = [];
  const warnings: string[] = [];
  let engine: Engine | undefined;
  let pool: ScanPool | undefined;
  const inFlight = new Set<Promise<void>>();
  let held: Batch[] = [];
  let heldBytes = 0;

  let buffer = Buffer.allocUnsafeSlow(TASK_BYTES);
  let used = 0;
  let batch: Batch = { chunks: [], bytes: 0 };
  let current: { view: Uint8Array; own: boolean } | undefined;
  let listed: { blobs: number; final: boolean; bytes?: number; bytesFinal?: boolean } = { blobs: 0, final: false };
  const done = { blobs: 0, bytes: 0 };
  const missing: { oid: string; path: string | undefined }[] = [];
  const tooLarge: { path: string; size: number }[] = [];

  const scanInline = (work: Batch) => {
    engine ??= createEngine(options.rules, engineOptionsOf(options));
    for (const { data, origin } of work.chunks) {
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      stats.bytesScanned += bytes.length;
      stats.blobsScanned++;
      const found = scanChunk(engine, bytes, origin, stats);
      stats.findings += found.length;
      findings.push(...found);
    }
  };

  const dispatch = (work: Batch) => {
    const task = pool!.submit({ kind: 'chunks', chunks: work.chunks }).then((result) => {
      addStats(stats, result.stats);
      warnings.push(...result.warnings);
      findings.push(...result.findings);
    });
    const tracked: Promise<void> = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  const flush = () => {
    if (batch.chunks.length === 0) return;
    const work = batch;
    batch = { chunks: [], bytes: 0 };
    buffer = Buffer.allocUnsafeSlow(TASK_BYTES);
    used = 0;
    if (pool !== undefined) return dispatch(work);
    if (threads <= 1) return scanInline(work);
    held.push(work);
    heldBytes += work.bytes;
    if (heldBytes >= BYTES_BEFORE_WORKERS) {
      pool = new ScanPool(threads, { rules: options.rules, engineOptions: engineOptionsOf(options) });
      for (const waiting of held) dispatch(waiting);
      held = [];
    }
  };

  let streamed;
  try {
    try {
      streamed = await streamBlobs(
        options.cwd,
        options.revArgs,
        {
          blob: (_oid, path, size) => {
            if (size > options.maxFileSize) {
              stats.filesTooLarge++;
              tooLarge.push({ path, size });
              if (tooLarge.length > WARNINGS_PER_KIND) tooLarge.shift();
              return undefined;
            }
            if (size > TASK_BYTES) {
              current = { view: Buffer.allocUnsafeSlow(size), own: true };
            } else {
              if (used + size > buffer.length) flush();
              current = { view: buffer.subarray(used, used + size), own: false };
              used += size;
            }
            return current.view;
          },
          blobEnd: (oid, path, size) => {
            done.blobs++;
            done.bytes += size;
            const blob = current;
            current = undefined;
            if (blob === undefined) return;
            if (blob.view.subarray(0, BINARY_SNIFF_BYTES).indexOf(0) !== -1) {
              stats.filesBinary++;
              if (!blob.own) used -= size;
              return;
            }
            batch.chunks.push({ data: blob.view, origin: { path, blob: oid } });
            batch.bytes += size;
            if (blob.own || batch.chunks.length >= TASK_BLOBS) flush();
          },
          missing: (oid, path) => {
            done.blobs++;
            missing.push({ oid, path });
          },
          drain: async () => {
            progress.update(done, listed);
            while (pool !== undefined && inFlight.size >= pool.size * TASKS_IN_FLIGHT_PER_WORKER) await Promise.race(inFlight);
          },
        },
        (count, final) => {
          listed = { ...listed, blobs: count, final };
        },
        progress.wantsTotalBytes === true
          ? (bytes, final) => {
              listed = { ...listed, bytes, bytesFinal: final };
            }
          : undefined,
      );
    } catch (error) {
      if (error instanceof KeywardError) throw error;
      warnings.push(`reading the history stopped early: ${error instanceof Error ? error.message : String(error)}`);
    }
    flush();
    if (pool === undefined) for (const waiting of held) scanInline(waiting);
    await Promise.all(inFlight);
  } finally {
    progress.finish();
    await pool?.close();
  }

  if (streamed?.listError !== undefined) {
    if (stats.blobsScanned === 0 && findings.length === 0) {
      throw new KeywardError(`cannot read the history: ${streamed.listError}`, { hint: 'check the revisions (--range, --since) and run git fsck if the repository may be damaged' });
    }
    warnings.push(`listing the history stopped early (${streamed.listError}); the blobs listed before that were scanned`);
  }
  warnings.push(...missingWarnings(missing, streamed?.catFileStderr ?? ''));
  if (tooLarge.length > 0) {
    const largest = tooLarge.reduce((a, b) => (b.size > a.size ? b : a));
    warnings.push(
      `skipped ${stats.filesTooLarge} blob${stats.filesTooLarge === 1 ? '' : 's'} over the ${formatBytes(options.maxFileSize)} limit (--max-file-size), e.g. ${largest.path} (${formatBytes(largest.size)})`,
    );
  }

  const incidents = await attributeIncidents(findings, {
    cwd: options.cwd,
    revArgs: options.revArgs,
    ...(options.maxOccurrences === undefined ? {} : { maxOccurrences: options.maxOccurrences }),
    // --max-count counts the commits git log prints; a commit filter would change which ones.
    filterInGit: !options.revArgs.some((arg) => arg.startsWith('--max-count')),
  });
  warnings.push(...incidents.warnings);
  for (const finding of incidents.findings) sink.finding(finding);
  for (const warning of warnings) sink.warning(warning);
  const nothingScanned = stats.blobsScanned === 0 && (missing.length > 0 || streamed === undefined);
  return { stats, nothingScanned };
}

/** Corrupt objects are named one by one (git said so on stderr); missing ones are summed up. */
function missingWarnings(missing: { oid: string; path: string | undefined }[], catFileStderr: string): string[] {
  const warnings: string[] = [];
  const corrupt = missing.filter(({ oid }) => catFileStderr.includes(oid));
  const absent = missing.filter(({ oid }) => !catFileStderr.includes(oid));
  for (const { oid, path } of corrupt.slice(0, WARNINGS_PER_KIND)) {
    warnings.push(`object ${oid}${path === undefined ? '' : ` (${path})`} is corrupt and was not scanned; run git fsck`);
  }
  if (corrupt.length > WARNINGS_PER_KIND) warnings.push(`… and ${corrupt.length - WARNINGS_PER_KIND} more corrupt objects`);
  if (absent.length > 0) {
    const example = absent[0]!;
    warnings.push(
      `${absent.length} object${absent.length === 1 ? ' is' : 's are'} missing from the repository (a partial clone or a damaged repository), e.g. ${example.oid}${example.path === undefined ? '' : ` (${example.path})`}; ${absent.length === 1 ? 'it was' : 'they were'} not scanned`,
    );
  }
  return warnings;
}
