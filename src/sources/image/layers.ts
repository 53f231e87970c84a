import { Readable } from 'node:stream';
import { gunzip } from '../archive/compressed.js';
import { ArchiveMeter, DEFAULT_ARCHIVE_LIMITS, LimitHit, ScanBudget, type ArchiveLimits } from '../archive/limits.js';
import { CorruptArchive, type ReadContext } from '../archive/members.js';
import { tarMembers, type TarMember } from '../archive/tar.js';
import type { ImageFiles } from './files.js';

/** What a later layer took away: `.wh.NAME` deletes NAME, `DIR/.wh..wh..opq` hides everything lower in DIR. */
export interface Whiteouts {
  deleted: Set<string>;
  opaque: Set<string>;
}

export function emptyWhiteouts(): Whiteouts {
  return { deleted: new Set(), opaque: new Set() };
}

export function addWhiteouts(into: Whiteouts, from: Whiteouts): void {
  for (const path of from.deleted) into.deleted.add(path);
  for (const path of from.opaque) into.opaque.add(path);
}

/** The whiteout `name` stands for, if it is one: `{ deleted: 'app/.env' }` for `app/.wh..env`. */
export function whiteoutOf(name: string): { deleted: string } | { opaque: string } | undefined {
  const slash = name.lastIndexOf('/');
  const dir = slash === -1 ? '' : name.slice(0, slash);
  const base = name.slice(slash + 1);
  if (base === '.wh..wh..opq') return { opaque: dir };
  if (base.startsWith('.wh.') && base.length > 4) return { deleted: dir === '' ? base.slice(4) : `${dir}/${base.slice(4)}` };
  return undefined;
}

/** Whether a file at `path` in a lower layer is gone from the image's final filesystem by `later`. */
export function deletedBy(path: string, later: Whiteouts): boolean {
  if (later.opaque.has('')) return true;
  let at = path.indexOf('/');
  while (at !== -1) {
    const ancestor = path.slice(0, at);
    if (later.deleted.has(ancestor) || later.opaque.has(ancestor)) return true;
    at = path.indexOf('/', at + 1);
  }
  return later.deleted.has(path);
}

/** Layers are big and their members are many: only a ratio (a bomb) and the member size cut them by default. */
export const IMAGE_LIMITS: ArchiveLimits = {
  ...DEFAULT_ARCHIVE_LIMITS,
  maxArchiveBytes: Number.POSITIVE_INFINITY,
  maxScanBytes: Number.POSITIVE_INFINITY,
  maxEntries: Number.POSITIVE_INFINITY,
};

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/**
 * The entries of one layer blob (a tar, plain or gzip), whiteouts included. Throws CorruptArchive when the
 * blob cannot be read, LimitHit when a limit ends it.
 */
export async function* layerEntries(files: ImageFiles, blob: string, context: ReadContext): AsyncGenerator<TarMember> {
  const stream = files.open(blob);
  const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw new CorruptArchive(context.where, 'layer', error);
  }
  if (first.done) return;
  const head = Buffer.from(first.value);
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) throw new CorruptArchive(context.where, 'layer', new Error('zstd-compressed layers are not supported yet'));
  const whole = Readable.from(
    (async function* () {
      yield head;
      while (true) {
        const next = await iterator.next();
        if (next.done) return;
        yield Buffer.from(next.value);
      }
    })(),
    { objectMode: false },
  );
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const tar = gzip ? Readable.from(gunzip(whole, context), { objectMode: false }) : whole;
  yield* tarMembers(tar, context, !gzip, true);
}

export function layerContext(where: string, limits: ArchiveLimits, warn: (message: string) => void, tooLarge: (where: string) => void): ReadContext {
  return { where, limits, meter: new ArchiveMeter(where, limits, new ScanBudget(limits.maxScanBytes)), warn, tooLarge };
}

export { LimitHit };
