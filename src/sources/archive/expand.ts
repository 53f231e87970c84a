import { detectFormat, HEAD_BYTES } from './detect.js';
import { ArchiveMeter, DEFAULT_ARCHIVE_LIMITS, formatSize, LimitHit, ScanBudget, type ArchiveLimits } from './limits.js';
import { CorruptArchive, type ReadContext } from './members.js';
import { archiveMembers, formatOf, type ArchiveInput } from './read.js';

export interface ExpandedMember {
  /** Full provenance: `release.zip!bundle/config.tar.gz!deploy/.env`. */
  path: string;
  data: Buffer;
}

export interface ExpandOptions {
  limits?: Partial<ArchiveLimits>;
  /** Shared by every archive of one scan; a fresh one when absent. */
  budget?: ScanBudget;
  warn(message: string): void;
}

/**
 * Every member of the archive at `path`, archives inside it opened up to `maxDepth` levels, each member
 * named by its whole way in. Not an archive: nothing is yielded and false is returned. Every limit and every
 * damaged archive is a warning; what was read before it is still yielded.
 */
export async function* expandArchive(input: ArchiveInput, path: string, options: ExpandOptions): AsyncGenerator<ExpandedMember, boolean> {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const budget = options.budget ?? new ScanBudget(limits.maxScanBytes);
  const format = await formatOf(input);
  if (format === undefined) return false;
  if (budget.used >= budget.limit) {
    options.warn(`skipped ${path}: archives in this scan already decompressed to ${formatSize(budget.limit)} (the limit for one scan)`);
    return true;
  }
  const meter = new ArchiveMeter(path, limits, budget);
  try {
    yield* level(input, path, 1, { where: path, limits, meter, warn: options.warn });
  } catch (error) {
    if (!(error instanceof LimitHit)) throw error;
    options.warn(error.message);
  }
  return true;
}

async function* level(input: ArchiveInput, where: string, depth: number, context: ReadContext): AsyncGenerator<ExpandedMember> {
  const format = 'data' in input ? detectFormat(input.data.subarray(0, HEAD_BYTES)) : await formatOf(input);
  if (format === undefined) return;
  try {
    for await (const member of archiveMembers(input, format, { ...context, where })) {
      const path = `${where}!${member.name}`;
      const inner = detectFormat(member.data.subarray(0, HEAD_BYTES));
      if (inner === undefined) {
        yield { path, data: member.data };
      } else if (depth < context.limits.maxDepth) {
        yield* level({ data: member.data }, path, depth + 1, context);
      } else {
        context.warn(`not opened ${path}: archives nest deeper than ${context.limits.maxDepth} (--archive-depth)`);
      }
    }
  } catch (error) {
    if (error instanceof LimitHit && error.scope === 'member') {
      context.warn(error.message);
      return;
    }
    if (!(error instanceof CorruptArchive)) throw error;
    // One damaged archive costs its own remaining members; the archive around it goes on.
    context.warn(error.message);
  }
}
