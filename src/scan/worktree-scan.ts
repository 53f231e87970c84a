import { posix } from 'node:path';
import type { Rule } from '../rules/types.js';
import { createEngine, engineOptionsOf, type Engine, type EngineOptions } from '../engine/index.js';
import { KeywardError } from '../errors.js';
import { resolveTarget, walkWorktree } from '../sources/worktree.js';
import { archiveOptions, mayBeArchive, scanArchive } from './archive-scan.js';
import { defaultThreadCount, ScanPool, type TaskResult } from './pool.js';
import { scanFile, type FileScanOptions, type FileToScan } from './scan-file.js';
import type { ScanSink } from './sink.js';
import { addStats, emptyStats, type ScanStats } from './stats.js';

export interface WorktreeScanOptions extends EngineOptions {
  rules: Rule[];
  maxFileSize: number;
  useIgnoreFiles: boolean;
  /** Worker threads; 1 scans on the calling thread. Defaults to the number of cores. */
  threads?: number;
  /** Open archives found in the tree (default true), this many levels deep (default 2). */
  archives?: boolean;
  archiveDepth?: number;
}

/** Below this many files a scan stays on the calling thread: starting workers would cost more than it saves. */
export const FILES_BEFORE_WORKERS = 512;
const FILES_PER_TASK = 128;
const TASKS_IN_FLIGHT_PER_WORKER = 3;

/**
 * Scans files and directories. Files are walked on this thread and matched in a worker pool once the
 * tree proves large; a small tree never starts one. Findings and warnings are pushed into `sink` in a
 * stable order (by path) so that reports are reproducible.
 */
export async function scanWorktree(paths: string[], options: WorktreeScanOptions, sink: ScanSink): Promise<ScanStats> {
  const stats = emptyStats();
  const threads = options.threads ?? defaultThreadCount();
  const fileOptions: FileScanOptions = { maxFileSize: options.maxFileSize };
  let engine: Engine | undefined;
  let pool: ScanPool | undefined;
  const inFlight = new Set<Promise<void>>();
  const results: TaskResult[] = [];
  let pending: FileToScan[] = [];
  let filesSeen = 0;
  const archives = archiveOptions(options.archives ?? true, options.archiveDepth, options.maxFileSize);
  // Archives are opened on this thread after the walk: a stream per archive, one member in memory at a time.
  const maybeArchives: { file: FileToScan; explicit: boolean }[] = [];

  const engineHere = () => (engine ??= createEngine(options.rules, engineOptionsOf(options)));
  const warn = (message: string) => sink.warning(message);

  const dispatch = async (files: FileToScan[]) => {
    const task = pool!.submit({ kind: 'files', files, options: fileOptions }).then((result) => {
      results.push(result);
    });
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    while (inFlight.size >= pool!.size * TASKS_IN_FLIGHT_PER_WORKER) await Promise.race(inFlight);
  };

  try {
    const targets = [];
    for (const path of paths) {
      try {
        targets.push(await resolveTarget(path));
      } catch (error) {
        if (!(error instanceof KeywardError)) throw error;
        warn(error.message);
        stats.filesUnreadable++;
      }
    }
    for (const target of targets) {
      if (target.kind === 'file') {
        const file = { absolutePath: target.absolutePath, path: target.display };
        if (mayBeArchive(file.path)) {
          maybeArchives.push({ file, explicit: true });
          continue;
        }
        const findings = scanFile(engineHere(), file, { ...fileOptions, explicit: true }, stats, warn);
        results.push({ findings, warnings: [], stats: emptyStats() });
        continue;
      }
      const prefix = paths.length === 1 ? '' : target.display;
      const walk = walkWorktree(target.absolutePath, {
        useIgnoreFiles: options.useIgnoreFiles,
        onWarning: warn,
        onSkip: (reason) => {
          if (reason === 'symlink') stats.symlinksSkipped++;
          else stats.pathsIgnored++;
        },
      });
      for await (const file of walk) {
        filesSeen++;
        const named = prefix === '' ? file : { ...file, path: posix.join(prefix, file.path) };
        if (mayBeArchive(named.path)) {
          maybeArchives.push({ file: named, explicit: false });
          continue;
        }
        pending.push(named);
        if (pool === undefined && threads > 1 && filesSeen >= FILES_BEFORE_WORKERS) {
          pool = new ScanPool(threads, { rules: options.rules, engineOptions: engineOptionsOf(options) });
        }
        if (pool !== undefined && pending.length >= FILES_PER_TASK) {
          const batch = pending;
          pending = [];
          await dispatch(batch);
        }
      }
    }
    if (pool !== undefined) {
      if (pending.length > 0) await dispatch(pending);
      await Promise.all(inFlight);
    } else {
      for (const file of pending) {
        const findings = scanFile(engineHere(), file, fileOptions, stats, warn);
        results.push({ findings, warnings: [], stats: emptyStats() });
      }
    }
    for (const { file, explicit } of maybeArchives) {
      const found = await scanArchive(engineHere(), { file: file.absolutePath }, file.path, archives, stats, warn);
      const findings = found ?? scanFile(engineHere(), file, { ...fileOptions, explicit }, stats, warn);
      results.push({ findings, warnings: [], stats: emptyStats() });
    }
  } finally {
    await pool?.close();
  }

  const findings = [];
  for (const result of results) {
    addStats(stats, result.stats);
    for (const message of result.warnings) warn(message);
    findings.push(...result.findings);
  }
  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column));
  for (const finding of findings) sink.finding(finding);
  return stats;
}
