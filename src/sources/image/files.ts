import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { Readable } from 'node:stream';
import { extract as tarExtract, type Header } from 'tar-stream';

/**
 * The files of an image on disk, a directory (an OCI layout) or a tar (`docker save`, or an OCI layout
 * packed as tar). A tar is indexed once: small JSON files are kept, every other entry is remembered by its
 * byte range, so each layer is later read straight from the file, in any order, without a second pass.
 */
export interface ImageFiles {
  /** A small file (a manifest, a config, an index), or undefined when it is not there. */
  read(path: string): Promise<Buffer | undefined>;
  /** A layer blob, streamed. */
  open(path: string): Readable;
  has(path: string): Promise<boolean>;
}

/** JSON files in an image are small; a larger "manifest" is not one. */
const SMALL_FILE_BYTES = 4 * 1024 * 1024;

export function directoryFiles(root: string): ImageFiles {
  const resolve = (path: string) => join(root, normalize(`/${path}`));
  return {
    async read(path) {
      try {
        const info = await stat(resolve(path));
        if (!info.isFile() || info.size > SMALL_FILE_BYTES) return undefined;
        return await readFile(resolve(path));
      } catch {
        return undefined;
      }
    },
    open: (path) => createReadStream(resolve(path)),
    async has(path) {
      try {
        return (await stat(resolve(path))).isFile();
      } catch {
        return false;
      }
    },
  };
}

interface Indexed {
  start: number;
  size: number;
  small: Buffer | undefined;
}

export async function tarFiles(file: string): Promise<ImageFiles> {
  const index = new Map<string, Indexed>();
  const extract = tarExtract();
  const input = createReadStream(file);
  input.on('error', (error) => extract.destroy(error));
  input.pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract as unknown as AsyncIterable<AsyncIterable<Buffer> & { header: Header & { byteOffset?: number }; resume(): void }>) {
    const { header } = entry;
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      entry.resume();
      continue;
    }
    let small: Buffer | undefined;
    if (header.size <= SMALL_FILE_BYTES) {
      const parts: Buffer[] = [];
      for await (const part of entry) parts.push(part);
      small = Buffer.concat(parts);
    } else {
      for await (const _ of entry);
    }
    index.set(entryPath(header.name), { start: header.byteOffset ?? -1, size: header.size, small });
  }
  return {
    read: async (path) => index.get(entryPath(path))?.small,
    open(path) {
      const entry = index.get(entryPath(path));
      if (entry === undefined || entry.start < 0) throw new Error(`${path} is not in the image`);
      if (entry.small !== undefined) return (async function* () { yield entry.small!; })() as unknown as Readable;
      return createReadStream(file, { start: entry.start, end: entry.start + entry.size - 1 });
    },
    has: async (path) => index.has(entryPath(path)),
  };
}

function entryPath(name: string): string {
  return name.replace(/^(?:\.\/|\/)+/, '');
}
