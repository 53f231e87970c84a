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

/**
 * A zip of `count` empty stored files, written directly (yazl takes minutes for 100,000 entries). More
 * than 65,535 entries need the zip64 end records, which this writes.
 */
export function makeManyEntryZip(count: number): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const name = Buffer.from(`f/${i}.txt`);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + name.length;
  }
  const centralBytes = Buffer.concat(central);
  const zip64End = Buffer.alloc(56);
  zip64End.writeUInt32LE(0x06064b50, 0);
  zip64End.writeBigUInt64LE(44n, 4);
  zip64End.writeUInt16LE(45, 12);
  zip64End.writeUInt16LE(45, 14);
  zip64End.writeBigUInt64LE(BigInt(count), 24);
  zip64End.writeBigUInt64LE(BigInt(count), 32);
  zip64End.writeBigUInt64LE(BigInt(centralBytes.length), 40);
  zip64End.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + centralBytes.length), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, zip64End, locator, end]);
}

/** The zip with every central-directory uncompressed size set to `size`: a header that lies. */
export function lieAboutSizes(zip: Buffer, size: number): Buffer {
  const copy = Buffer.from(zip);
  for (let at = copy.indexOf(0x02014b50 & 0xff); at !== -1 && at < copy.length - 46; at = copy.indexOf(0x50, at + 1)) {
    if (copy.readUInt32LE(at) === 0x02014b50) copy.writeUInt32LE(size, at + 24);
  }
  return copy;
}
