import type { Readable } from 'node:stream';
import { extract as tarExtract, type Header } from 'tar-stream';
import { LimitHit } from './limits.js';
import { CorruptArchive, memberName, reportTooLarge, type ReadContext } from './members.js';

interface TarEntry extends AsyncIterable<Buffer> {
  header: Header;
  resume(): unknown;
}

export interface TarMember {
  name: string;
  /** Undefined for entries that hold no bytes (directories, links) and for members that were cut. */
  data: Buffer | undefined;
  type: string;
}

/**
 * Members of a tar, in order, from a stream. Tar is sequential: a member that is skipped is still read past,
 * so its bytes are charged to the meter when `charge` is set (a plain tar); a tar inside gzip or bzip2 is
 * charged by its decompressor instead, once.
 */
export async function* tarMembers(input: Readable, context: ReadContext, charge: boolean, everyEntry = false): AsyncGenerator<TarMember> {
  const extract = tarExtract();
  input.on('error', (error) => extract.destroy(error));
  input.pipe(extract as unknown as NodeJS.WritableStream);
  const { limits } = context;
  let seen = 0;
  try {
    const entries = (extract as unknown as AsyncIterable<TarEntry>)[Symbol.asyncIterator]();
    while (true) {
      let next: IteratorResult<TarEntry>;
      try {
        next = await entries.next();
      } catch (error) {
        if (error instanceof LimitHit || error instanceof CorruptArchive) throw error;
        throw new CorruptArchive(context.where, 'tar', error);
      }
      if (next.done) break;
      const entry = next.value;
      if (seen >= limits.maxEntries) {
        context.warn(`stopped reading ${context.where} after ${limits.maxEntries} entries (the limit for one archive); the rest was not scanned`);
        break;
      }
      seen++;
      const name = memberName(entry.header.name);
      const type = entry.header.type ?? 'file';
      const where = `${context.where}!${name}`;
      if (type !== 'file' && type !== 'contiguous-file') {
        entry.resume();
        if (everyEntry) yield { name, data: undefined, type };
        continue;
      }
      const parts: Buffer[] = [];
      let length = 0;
      let tooLarge = false;
      for await (const part of entry as AsyncIterable<Buffer>) {
        length += part.length;
        if (charge) context.meter.charge(part.length, where);
        if (length > limits.maxMemberBytes) tooLarge = true;
        else parts.push(part);
      }
      if (tooLarge) {
        reportTooLarge(context, where);
        if (everyEntry) yield { name, data: undefined, type };
        continue;
      }
      yield { name, data: Buffer.concat(parts, length), type };
    }
  } finally {
    input.unpipe(extract as unknown as NodeJS.WritableStream);
    input.destroy();
    extract.destroy();
  }
}
