/**
 * Archives as an expander: a chunk that is a zip, tar, gzip or bzip2 (by its magic bytes) becomes the chunks
 * of its members, one level at a time; the driver hands members that are archives back here, to the depth it
 * was given. The formats and their limits live in ./archive/; this file keeps the per-scan state (the byte
 * budget shared by every archive, one meter per outermost archive) and turns members into chunks.
 */
import { stat } from 'node:fs/promises';
import { formatBytes } from '../units.js';
import { detectFormat, HEAD_BYTES } from './archive/detect.js';
import { ArchiveMeter, DEFAULT_ARCHIVE_LIMITS, formatSize, LimitHit, ScanBudget, type ArchiveLimits } from './archive/limits.js';
import { CorruptArchive } from './archive/members.js';
import { archiveMembers, formatOf, type ArchiveInput } from './archive/read.js';
// Types only: expanders.ts loads this file lazily, and a runtime import back would be a cycle.
import type { ExpandContext, Expander } from './expanders.js';
import type { ScanStats } from './stats.js';
import type { Chunk } from './types.js';

interface ScanState {
  budget: ScanBudget;
  /** Meters of the outermost archives, by path: nested archives charge the archive they came out of. */
  meters: Map<string, ArchiveMeter>;
}

/** One state per scan: the driver's stats object is one per scan, so it keys the scan's budget. */
const states = new WeakMap<ScanStats, ScanState>();

function stateOf(stats: ScanStats): ScanState {
  let state = states.get(stats);
  if (state === undefined) states.set(stats, (state = { budget: new ScanBudget(DEFAULT_ARCHIVE_LIMITS.maxScanBytes), meters: new Map() }));
  return state;
}

export const archiveExpander: Expander = {
  name: 'archive',
  async *expand(chunk, context) {
    const input: ArchiveInput = 'data' in chunk ? { data: chunk.data } : { file: chunk.file };
    const format = await formatOf(input).catch(() => undefined);
    if (format === undefined) {
      // Claimed by its name, not an archive by its bytes (or unreadable): scanned as what it is.
      yield* notAnArchive(chunk, context);
      return;
    }
    const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, maxMemberBytes: context.maxFileSize, ...(context.maxDepth === undefined ? {} : { maxDepth: context.maxDepth }) };
    const state = stateOf(context.stats);
    const where = chunk.origin.path;
    const meter = outerMeter(state, where, limits);
    if (meter === undefined) {
      context.warn(`skipped ${where}: archives in this scan already decompressed to ${formatSize(state.budget.limit)} (the limit for one scan)`);
      return;
    }
    context.stats.archivesOpened++;
    try {
      for await (const member of archiveMembers(input, format, { where, limits, meter, warn: context.warn })) {
        const origin = { ...chunk.origin, path: `${chunk.origin.path}!${member.name}` };
        if (context.depth >= limits.maxDepth && detectFormat(member.data.subarray(0, HEAD_BYTES)) !== undefined) {
          context.warn(`not opened ${origin.path}: archives nest deeper than ${limits.maxDepth} (--archive-depth)`);
          continue;
        }
        yield { data: member.data, origin };
      }
    } catch (error) {
      if (error instanceof LimitHit || error instanceof CorruptArchive) {
        // A limit or damage ends this archive; what came before it was scanned, the archive around it goes on.
        context.warn(error.message);
        return;
      }
      throw error;
    }
  },
};

/** --no-archives: archives are counted and left shut; a file only named like one is still scanned. */
export const shutArchiveExpander: Expander = {
  name: 'archive (shut)',
  async *expand(chunk, context) {
    const input: ArchiveInput = 'data' in chunk ? { data: chunk.data } : { file: chunk.file };
    if ((await formatOf(input).catch(() => undefined)) === undefined) {
      yield* notAnArchive(chunk, context);
      return;
    }
    context.stats.archivesSkipped++;
  },
};

function outerMeter(state: ScanState, path: string, limits: ArchiveLimits): ArchiveMeter | undefined {
  for (let at = path.lastIndexOf('!'); at !== -1; at = path.lastIndexOf('!', at - 1)) {
    const outer = state.meters.get(path.slice(0, at));
    if (outer !== undefined) return outer;
  }
  if (state.budget.used >= state.budget.limit) return undefined;
  const meter = new ArchiveMeter(path, limits, state.budget);
  state.meters.set(path, meter);
  return meter;
}

/**
 * A chunk claimed for its name whose bytes are no archive goes back to the driver as bytes, so the reader's
 * checks (binary, UTF-16) apply; the driver asks the expanders again, and by magic bytes they decline.
 */
async function* notAnArchive(chunk: Chunk, context: ExpandContext): AsyncGenerator<Chunk> {
  if ('data' in chunk) {
    // Declined by magic already (claims looks at bytes); only a name claim reaches here with bytes in hand.
    return;
  }
  let size: number;
  try {
    size = (await stat(chunk.file)).size;
  } catch {
    context.stats.filesUnreadable++;
    context.warn(`cannot read ${chunk.origin.path}`);
    return;
  }
  if (size > context.maxFileSize) {
    context.stats.filesTooLarge++;
    context.warn(`skipped ${chunk.origin.path}: ${formatBytes(size)} is over the ${formatBytes(context.maxFileSize)} limit (--max-file-size)`);
    return;
  }
  const { readFile } = await import('node:fs/promises');
  yield { data: await readFile(chunk.file), origin: chunk.origin };
}
