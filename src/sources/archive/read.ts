import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { bunzip2, gunzip } from './compressed.js';
import { detectFormat, HEAD_BYTES, isTarHeader, strippedName, type ArchiveFormat } from './detect.js';
import { LimitHit } from './limits.js';
import { reportTooLarge, type ArchiveMember, type ReadContext } from './members.js';
import { tarMembers } from './tar.js';
import { zipMembers, type ArchiveInput } from './zip.js';

export type { ArchiveInput } from './zip.js';

/** The format of a file or buffer by its first bytes; undefined when it is no archive keyward reads. */
export async function formatOf(input: ArchiveInput): Promise<ArchiveFormat | undefined> {
  if ('data' in input) return detectFormat(input.data.subarray(0, HEAD_BYTES));
  const handle = await open(input.file, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return detectFormat(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

function streamOf(input: ArchiveInput): Readable {
  return 'file' in input ? createReadStream(input.file) : Readable.from([input.data]);
}

/**
 * The members of one archive, one level deep: a tar inside gzip or bzip2 is one archive (`.tar.gz`), any
 * other compressed file is an archive of one member named after it (`app.log.gz` holds `app.log`).
 * Throws LimitHit for a limit that ends the archive and CorruptArchive for damage; a member-level limit is
 * a warning and the reading goes on.
 */
export async function* archiveMembers(input: ArchiveInput, format: ArchiveFormat, context: ReadContext): AsyncGenerator<ArchiveMember> {
  if (format === 'zip') {
    yield* zipMembers(input, context);
    return;
  }
  if (format === 'tar') {
    for await (const member of tarMembers(streamOf(input), context, true)) if (member.data !== undefined) yield { name: member.name, data: member.data };
    return;
  }
  const inflated = format === 'gzip' ? gunzip(streamOf(input), context) : bunzip2(streamOf(input), context);
  try {
    const head = await peek(inflated, HEAD_BYTES);
    if (isTarHeader(head.bytes.subarray(0, HEAD_BYTES))) {
      const rest = Readable.from(joined(head.parts, inflated), { objectMode: false });
      for await (const member of tarMembers(rest, context, false)) if (member.data !== undefined) yield { name: member.name, data: member.data };
      return;
    }
    const name = strippedName(context.where.slice(context.where.lastIndexOf('!') + 1));
    const data = await collect(head.parts, inflated, context.limits.maxMemberBytes);
    if (data === undefined) reportTooLarge(context, `${context.where}!${name}`);
    else yield { name, data };
  } catch (error) {
    // A ratio limit on a single compressed stream ends the archive: there is nothing else in it to read.
    if (error instanceof LimitHit && error.scope === 'member') throw new LimitHit('archive', error.message);
    throw error;
  } finally {
    await inflated.return(undefined);
  }
}

async function peek(source: AsyncGenerator<Buffer>, bytes: number): Promise<{ parts: Buffer[]; bytes: Buffer }> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const next = await source.next();
    if (next.done) break;
    parts.push(next.value);
    length += next.value.length;
  }
  return { parts, bytes: Buffer.concat(parts, length) };
}

async function* joined(head: Buffer[], rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  while (true) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

async function collect(head: Buffer[], rest: AsyncGenerator<Buffer>, limit: number): Promise<Buffer | undefined> {
  const parts = [...head];
  let length = head.reduce((sum, part) => sum + part.length, 0);
  while (length <= limit) {
    const next = await rest.next();
    if (next.done) return Buffer.concat(parts, length);
    parts.push(next.value);
    length += next.value.length;
  }
  return undefined;
}
