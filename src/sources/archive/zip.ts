import type { Readable, Transform } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { checkRatio, LimitHit } from './limits.js';
import { CorruptArchive, memberName, reportTooLarge, type ArchiveMember, type ReadContext } from './members.js';

export type ArchiveInput = { file: string } | { data: Buffer };

/**
 * Members of a zip (jar, war, apk, nupkg, whl…), read through the central directory so that members can be
 * skipped without inflating them. Each member is inflated as a stream and counted; a member that grows past
 * its limit is abandoned there, whatever its header declared.
 */
export async function* zipMembers(input: ArchiveInput, context: ReadContext): AsyncGenerator<ArchiveMember> {
  const options = { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: false };
  let zip: ZipFile;
  try {
    zip = 'file' in input ? await yauzl.openPromise(input.file, options) : await yauzl.fromBufferPromise(input.data, options);
  } catch (error) {
    throw new CorruptArchive(context.where, 'zip', error);
  }
  // yauzl reports some damage as an event; without a listener it would be thrown from nowhere.
  let damage: unknown;
  zip.on('error', (error: unknown) => (damage ??= error));
  const { limits } = context;
  let seen = 0;
  try {
    const entries = zip.eachEntry();
    while (true) {
      let next: IteratorResult<Entry>;
      try {
        next = await entries.next();
      } catch (error) {
        throw new CorruptArchive(context.where, 'zip', error);
      }
      if (next.done) break;
      const entry = next.value;
      if (seen >= limits.maxEntries) {
        context.warn(
          `stopped reading ${context.where} after ${limits.maxEntries} entries (the limit for one archive); ${zip.entryCount - seen} more were not scanned`,
        );
        break;
      }
      seen++;
      const name = memberName(entry.fileName);
      if (name === '' || name.endsWith('/')) continue;
      const where = `${context.where}!${name}`;
      if (entry.isEncrypted()) {
        context.warn(`skipped ${where}: encrypted`);
        continue;
      }
      // A declared size can lie low, never usefully high: skipping on it saves inflating what would be cut.
      if (entry.uncompressedSize > limits.maxMemberBytes) {
        reportTooLarge(context, where);
        continue;
      }
      const data = await readEntry(zip, entry, where, context);
      if (data !== undefined) yield { name, data };
    }
    if (damage !== undefined) throw new CorruptArchive(context.where, 'zip', damage);
  } finally {
    zip.close();
  }
}

/**
 * Inflates one member itself (yauzl hands over the raw bytes), so the ratio is judged against the compressed
 * bytes read so far, not against the whole member's: a bomb is cut after its first megabyte of output.
 */
async function readEntry(zip: ZipFile, entry: Entry, where: string, context: ReadContext): Promise<Buffer | undefined> {
  const { limits } = context;
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    context.warn(`skipped ${where}: compression method ${entry.compressionMethod} is not supported (only stored and deflate)`);
    return undefined;
  }
  let raw: Readable | undefined;
  let inflate: Transform | undefined;
  const parts: Buffer[] = [];
  let length = 0;
  let consumed = 0;
  try {
    raw = await zip.openReadStreamPromise(entry, { decompress: entry.compressionMethod === 8 ? false : null });
    raw.on('data', (part: Buffer) => (consumed += part.length));
    let output: Readable = raw;
    if (entry.compressionMethod === 8) {
      const inflater = createInflateRaw();
      raw.on('error', (error) => inflater.destroy(error));
      raw.pipe(inflater);
      inflate = inflater;
      output = inflater;
    }
    for await (const part of output as AsyncIterable<Buffer>) {
      length += part.length;
      context.meter.charge(part.length, where);
      checkRatio(limits, length, consumed, where);
      if (length > entry.uncompressedSize) {
        context.warn(`stopped reading ${where}: it inflates past the ${entry.uncompressedSize} bytes its header declares, like a zip bomb; the rest was not scanned`);
        return undefined;
      }
      if (length > limits.maxMemberBytes) {
        reportTooLarge(context, where);
        return undefined;
      }
      parts.push(part);
    }
    if (length < entry.uncompressedSize) throw new Error(`it ends after ${length} of the ${entry.uncompressedSize} bytes its header declares`);
    return Buffer.concat(parts, length);
  } catch (error) {
    if (error instanceof LimitHit) {
      if (error.scope !== 'member') throw error;
      context.warn(error.message);
      return undefined;
    }
    // One damaged member (bad deflate data, a size that lied) costs that member only: the directory lists the rest.
    context.warn(`cannot read ${where}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  } finally {
    if (raw !== undefined && inflate !== undefined) raw.unpipe(inflate);
    inflate?.destroy();
    raw?.destroy();
  }
}
