/** Archives built at test time (never committed binaries), with real libraries and tools. */
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import yazl from 'yazl';

export interface Entry {
  name: string;
  data?: Buffer | string;
  type?: 'file' | 'directory';
}

export async function makeZip(entries: Entry[], options: { compress?: boolean } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    if (entry.type === 'directory') zip.addEmptyDirectory(entry.name);
    else zip.addBuffer(Buffer.from(entry.data ?? ''), entry.name, { compress: options.compress ?? true });
  }
  zip.end();
  return drain(zip.outputStream as unknown as Readable);
}

/** A zip with one member made of `bytes` zeros, streamed through deflate: a deflate bomb. */
export async function makeZeroBomb(bytes: number, name = 'zeros.bin'): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const piece = Buffer.alloc(1024 * 1024);
  let left = bytes;
  const zeros = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const size = Math.min(left, piece.length);
      left -= size;
      this.push(piece.subarray(0, size));
    },
  });
  zip.addReadStream(zeros, name);
  zip.end();
  return drain(zip.outputStream as unknown as Readable);
}

export async function makeTar(entries: Entry[]): Promise<Buffer> {
  const tar = pack();
  for (const entry of entries) {
    if (entry.type === 'directory') tar.entry({ name: entry.name, type: 'directory' });
    else tar.entry({ name: entry.name }, Buffer.from(entry.data ?? ''));
  }
  tar.finalize();
  return drain(tar as unknown as Readable);
}

export async function makeTarGz(entries: Entry[]): Promise<Buffer> {
  return gzipSync(await makeTar(entries));
}

/** bzip2 by the bzip2 tool itself: no pure-JS compressor is needed only for tests. */
export function bzip2(data: Buffer): Buffer {
  const result = spawnSync('bzip2', ['-c'], { input: data, maxBuffer: 1 << 28 });
  if (result.error || result.status !== 0) throw new Error(`bzip2 failed (is the bzip2 tool installed?): ${result.error?.message ?? result.stderr}`);
  return result.stdout;
}

async function drain(stream: AsyncIterable<Buffer | Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}
