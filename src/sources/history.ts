/**
 * Every unique blob of a history, once (./git/blobs.ts streams them), batched into one ArrayBuffer per
 * worker task; after matching, only blobs with findings are traced through the history and grouped into
 * incidents, one per (rule, secret), with where it was introduced, every occurrence and whether it is still
 * present (./git/incidents.ts). The pre-push source is this source over the pushed range.
 */
import type { Finding } from '../engine/finding.js';
import { fingerprintOf } from '../engine/finding.js';
import { KeywardError } from '../errors.js';
import { formatBytes, plural } from '../units.js';
import { detectFormat } from './archive/detect.js';
import { recordRawLog, teeRawLog, type RawLogRecording } from './git/blob-events.js';
import { listerFor } from './git/blob-list.js';
import { streamBlobs, type BlobStreamResult } from './git/blobs.js';
import { attributeIncidents } from './git/incidents.js';
import { openRepository, type Repository } from './git/repo.js';
import type { BytesChunk, ChunkBatch, Source, SourceContext, SourceDefinition } from './types.js';

/** Which history, as the CLI's flags name it; everything but `range` may be combined. */
export interface HistorySelection {
  branches?: boolean;
  tags?: boolean;
  range?: string;
  since?: string;
  maxCount?: number;
}

export interface HistoryProgress {
  update(done: { blobs: number; bytes: number }, total: { blobs: number; final: boolean; bytes?: number; bytesFinal?: boolean }): void;
  finish(): void;
  /** Measure the total bytes too (a header-only git pass): only worth it when someone watches the progress. */
  readonly wantsTotalBytes?: boolean;
}

export interface HistoryOptions {
  /** A directory inside the repository (default: the current one). */
  path?: string;
  selection?: HistorySelection;
  /** Raw `git rev-list` arguments instead of a selection (the pre-push source computes them). */
  revArgs?: string[];
  progress?: HistoryProgress;
  /** Longest occurrence list per incident (--max-occurrences); the count is always complete. */
  maxOccurrences?: number;
  /** Names the command in errors about the repository. */
  purpose?: string;
}

/** Bytes of blobs per worker task: big enough to amortise a message, small enough to keep both cores busy. */
const TASK_BYTES = 2 * 1024 * 1024;
/** Batch buffers alive at once (queued, in flight on every worker, being filled); past this, plain ones. */
const SLABS = 16;
const TASK_BLOBS = 4096;
/** Batches waiting for the driver; past this, git is paused (its pipe fills and it blocks). */
const QUEUED_BATCHES = 2;
const WARNINGS_PER_KIND = 10;

export const historySource: SourceDefinition<HistoryOptions> = {
  name: 'history',
  async open(options) {
    const repo = await openRepository(options.path ?? '.', options.purpose ?? 'keyward scan --history');
    return gitHistorySource(repo, options.revArgs ?? historyRevArgs(options.selection ?? {}), options);
  },
};

/** What the user asked for as `git rev-list` arguments. Revisions may not look like options. */
export function historyRevArgs(selection: HistorySelection): string[] {
  for (const [flag, value] of [['--range', selection.range], ['--since', selection.since]] as const) {
    if (value !== undefined && (value.trim() === '' || value.startsWith('-'))) throw new KeywardError(`${flag}: '${value}' is not a revision`);
  }
  const revArgs: string[] = [];
  if (selection.range !== undefined) {
    revArgs.push(selection.range);
  } else {
    if (selection.branches) revArgs.push('--branches');
    if (selection.tags) revArgs.push('--tags');
    if (revArgs.length === 0) revArgs.push('--all');
  }
  if (selection.since !== undefined) revArgs.push(`^${selection.since}`);
  if (selection.maxCount !== undefined) {
    if (!Number.isInteger(selection.maxCount) || selection.maxCount < 1) throw new KeywardError(`--max-count: '${selection.maxCount}' is not a positive whole number`);
    revArgs.push(`--max-count=${selection.maxCount}`);
  }
  return revArgs;
}

/** `revArgs` undefined: nothing to scan (a push that only deletes refs). */
export function gitHistorySource(repo: Repository, revArgs: string[] | undefined, options: Pick<HistoryOptions, 'progress' | 'maxOccurrences'>): Source {
  // Archive blobs, by oid, with the path they were listed under: their members' findings keep the member part.
  const archives = new Map<string, string>();
  let recording: RawLogRecording | undefined;
  return {
    name: 'history',
    unit: 'blobs',
    root: repo.root ?? repo.cwd,
    chunks: (context) => (revArgs === undefined ? none() : blobBatches(repo, revArgs, options.progress, context, archives, (kept) => (recording = kept))),
    // Blobs listed by rev-list: the attribution's log is started at the first finding (the log lister keeps its own).
    findingsAhead: () => {
      if (revArgs === undefined || recording !== undefined) return;
      try {
        recording = recordRawLog(repo.cwd, revArgs);
      } catch {
        // No temporary file (a read-only or full temp folder): attribution runs its pass afterwards instead.
      }
    },
    attribute: (findings, context) =>
      revArgs === undefined ? Promise.resolve([...findings]) : incidentsOf(repo.cwd, revArgs, findings, options.maxOccurrences, context, archives, recording),
  };
}

async function* none(): AsyncGenerator<never> {}

async function* blobBatches(
  repo: Repository,
  revArgs: string[],
  progress: HistoryProgress | undefined,
  context: SourceContext,
  archives: Map<string, string>,
  keepLog: (recording: RawLogRecording) => void,
): AsyncGenerator<ChunkBatch | BytesChunk> {
  const { lister, recordsLog } = await listerFor(repo.cwd, revArgs);
  let tee: ReturnType<typeof teeRawLog> | undefined;
  if (recordsLog) {
    try {
      tee = teeRawLog();
      keepLog(tee.recording);
    } catch {
      // No temporary file (a read-only or full temp folder): attribution runs its pass afterwards instead.
    }
  }
  if (repo.shallow) context.warn('this is a shallow clone: commits before its shallow boundary are not in it and were not scanned (git fetch --unshallow to scan them)');
  const queue: (ChunkBatch | BytesChunk)[] = [];
  let wake: (() => void) | undefined;
  let resume: (() => void) | undefined;
  let finished = false;
  let abandoned = false;
  let yielded = 0;

  const slabs = new SlabPool(TASK_BYTES, SLABS);
  let buffer = slabs.take();
  let used = 0;
  let batch: BytesChunk[] = [];
  let current: Buffer | undefined;
  let currentOwn = false;
  let listed: { blobs: number; final: boolean; bytes?: number; bytesFinal?: boolean } = { blobs: 0, final: false };
  const done = { blobs: 0, bytes: 0 };
  const missing: { oid: string; path: string | undefined }[] = [];
  const tooLarge: { path: string; size: number }[] = [];
  let tooLargeCount = 0;

  const flush = () => {
    if (batch.length === 0) return;
    if (used > 0) {
      // The batch holds the buffer now, until its worker is done with it.
      const full = buffer;
      queue.push({ batch, release: () => slabs.give(full) });
      buffer = slabs.take();
      used = 0;
    } else {
      queue.push({ batch });
    }
    batch = [];
    wake?.();
  };

  const whileQueueFull = async () => {
    while (queue.length >= QUEUED_BATCHES && !abandoned) await new Promise<void>((resolve) => (resume = resolve));
    if (abandoned) throw new Error('the scan stopped');
  };

  let streamed: BlobStreamResult | undefined;
  let failure: unknown;
  const streaming = streamBlobs(
    repo.cwd,
    lister,
    {
      blob: (_oid, path, size) => {
        if (size > context.maxFileSize) {
          tooLargeCount++;
          tooLarge.push({ path, size });
          if (tooLarge.length > WARNINGS_PER_KIND) tooLarge.shift();
          return undefined;
        }
        if (size > TASK_BYTES) {
          current = Buffer.allocUnsafeSlow(size);
          currentOwn = true;
        } else {
          if (used + size > buffer.length) flush();
          current = buffer.subarray(used, used + size);
          currentOwn = false;
          used += size;
        }
        return current;
      },
      blobEnd: (oid, path, size) => {
        done.blobs++;
        done.bytes += size;
        const blob = current;
        current = undefined;
        if (blob === undefined) return;
        if (detectFormat(blob.subarray(0, 512)) !== undefined) {
          // An archive goes to the driver on its own, so the archive expander sees it; its bytes leave the batch buffer.
          const own = Buffer.from(blob);
          if (!currentOwn) used -= size;
          archives.set(oid, path);
          queue.push({ data: own, origin: { path, blob: oid } });
          wake?.();
          return;
        }
        if (currentOwn) {
          // A large blob is its own task; what is batched so far goes first.
          flush();
          batch.push({ data: blob, origin: { path, blob: oid } });
          flush();
        } else {
          batch.push({ data: blob, origin: { path, blob: oid } });
          if (batch.length >= TASK_BLOBS) flush();
        }
      },
      missing: (oid, path) => {
        done.blobs++;
        missing.push({ oid, path });
      },
      drain: () => {
        progress?.update(done, listed);
        // The driver stopped pulling (it failed): stop git rather than leave it blocked on a full pipe.
        if (abandoned) throw new Error('the scan stopped');
        return queue.length >= QUEUED_BATCHES ? whileQueueFull() : undefined;
      },
    },
    {
      onListed: (count, final) => {
        listed = { ...listed, blobs: count, final };
      },
      ...(progress?.wantsTotalBytes === true
        ? {
            onSized: (bytes: number, final: boolean) => {
              listed = { ...listed, bytes, bytesFinal: final };
            },
          }
        : {}),
      ...(tee === undefined ? {} : { tee: (chunk: Buffer) => tee.write(chunk) }),
    },
  )
    .then(
      (result) => void (streamed = result),
      (error: unknown) => void (failure = error),
    )
    .finally(() => {
      // A log cut short traces nothing reliably: attribution then runs its own pass.
      tee?.end(failure !== undefined ? { broken: true } : streamed?.listError !== undefined ? { error: streamed.listError } : {});
      flush();
      finished = true;
      wake?.();
    });

  try {
    for (;;) {
      const next = queue.shift();
      if (next !== undefined) {
        resume?.();
        resume = undefined;
        yielded += 'batch' in next ? next.batch.length : 1;
        yield next;
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    await streaming;
  } finally {
    if (!finished) {
      abandoned = true;
      resume?.();
    }
    progress?.finish();
  }

  if (failure !== undefined) {
    if (failure instanceof KeywardError) throw failure;
    context.stats.filesUnreadable++;
    context.warn(`reading the history stopped early: ${failure instanceof Error ? failure.message : String(failure)}`);
  }
  if (streamed?.listError !== undefined) {
    if (yielded === 0) {
      throw new KeywardError(`cannot read the history: ${streamed.listError}`, { hint: 'check the revisions (--range, --since) and run git fsck if the repository may be damaged' });
    }
    context.warn(`listing the history stopped early (${streamed.listError}); the blobs listed before that were scanned`);
  }
  context.stats.filesUnreadable += missing.length;
  for (const warning of missingWarnings(missing, streamed?.catFileStderr ?? '')) context.warn(warning);
  context.stats.filesTooLarge += tooLargeCount;
  if (tooLarge.length > 0) {
    const largest = tooLarge.reduce((a, b) => (b.size > a.size ? b : a));
    context.warn(`skipped ${plural(tooLargeCount, 'blob')} over the ${formatBytes(context.maxFileSize)} limit (--max-file-size), e.g. ${largest.path} (${formatBytes(largest.size)})`);
  }
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

/** Only blobs with findings are traced (one filtered `git log --raw` pass): findings in, incidents out. */
async function incidentsOf(
  cwd: string,
  revArgs: string[],
  findings: readonly Finding[],
  maxOccurrences: number | undefined,
  context: SourceContext,
  archives: ReadonlyMap<string, string> = new Map(),
  recording?: RawLogRecording,
): Promise<Finding[]> {
  // A finding inside an archive blob keeps its member part (`dist/app.zip!config/.env`) after the blob is
  // traced to the path that introduced it.
  const members = new Map<string, string>();
  for (const finding of findings) {
    const listed = finding.blob === undefined ? undefined : archives.get(finding.blob);
    if (listed !== undefined && finding.path.startsWith(`${listed}!`)) members.set(`${finding.ruleId}\0${finding.secretSha256}`, finding.path.slice(listed.length));
  }
  const incidents = await attributeIncidents(findings, {
    cwd,
    revArgs,
    ...(maxOccurrences === undefined ? {} : { maxOccurrences }),
    // --max-count counts the commits git log prints; a commit filter would change which ones.
    filterInGit: !revArgs.some((arg) => arg.startsWith('--max-count')),
    ...(recording === undefined ? {} : { recording }),
  }).finally(() => recording?.discard());
  for (const warning of incidents.warnings) context.warn(warning);
  if (members.size === 0) return incidents.findings;
  return incidents.findings.map((finding) => {
    const member = members.get(`${finding.ruleId}\0${finding.secretSha256}`);
    if (member === undefined || finding.path.includes('!')) return finding;
    const path = finding.path + member;
    return {
      ...finding,
      path,
      fingerprint: fingerprintOf(finding.ruleId, finding.secretSha256, path),
      ...(finding.introduced === undefined ? {} : { introduced: { ...finding.introduced, path: finding.introduced.path + member } }),
    };
  });
}

/**
 * Batch buffers over SharedArrayBuffers, filled again once their worker is done: a history streams its
 * whole size through them, and a fresh 2 MB ArrayBuffer per batch, transferred and left for each worker's
 * GC, kept every thread collecting external memory (on 2.4 GB, more CPU in garbage collection than the main
 * thread spent on anything else). When every slab is in use, a plain buffer is made, which a worker is
 * then given for good.
 */
class SlabPool {
  readonly #free: Buffer[] = [];
  readonly #slabBytes: number;
  #unmade: number;

  constructor(slabBytes: number, slabs: number) {
    this.#slabBytes = slabBytes;
    this.#unmade = slabs;
  }

  take(): Buffer {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    if (this.#unmade === 0) return Buffer.allocUnsafeSlow(this.#slabBytes);
    this.#unmade--;
    return Buffer.from(new SharedArrayBuffer(this.#slabBytes));
  }

  give(buffer: Buffer): void {
    if (buffer.buffer instanceof SharedArrayBuffer) this.#free.push(buffer);
  }
}
