import type { Readable } from 'node:stream';
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

async function readEntry(zip: ZipFile, entry: Entry, where: string, context: ReadContext): Promise<Buffer | undefined> {
  const { limits } = context;
  let stream: Readable | undefined;
  const parts: Buffer[] = [];
  let length = 0;
  try {
    stream = await zip.openReadStreamPromise(entry);
    for await (const part of stream as AsyncIterable<Buffer>) {
      length += part.length;
      context.meter.charge(part.length, where);
      checkRatio(limits, length, entry.compressedSize, where);
      if (length > limits.maxMemberBytes) {
        reportTooLarge(context, where);
        return undefined;
      }
      parts.push(part);
    }
    return Buffer.concat(parts, length);
  } catch (error) {
    if (error instanceof LimitHit) {
      if (error.scope !== 'member') throw error;
      context.warn(error.message);
      return undefined;
    }
    // One damaged member (a bad CRC, a size that lied) costs that member only: the directory still lists the rest.
    if (error instanceof Error && /too many bytes in the stream/.test(error.message)) {
      context.warn(`stopped reading ${where}: it inflates past the ${entry.uncompressedSize} bytes its header declares, like a zip bomb; the rest was not scanned`);
      return undefined;
    }
    context.warn(`cannot read ${where}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  } finally {
    stream?.destroy();
  }
}
