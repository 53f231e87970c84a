/**
 * The one file reader (issue 11, issue 16 items 1, 10, 18, 19). Every source that names files, and every
 * worker that reads them, comes through here, so the size limit, the binary sniff, UTF-16 transcoding, pipes
 * and windows over huge files behave the same for a working tree, stdin and anything added later.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeFsError } from '../errors.js';
import { formatBytes } from '../units.js';
import type { ScanStats } from './stats.js';
import type { FileChunk } from './types.js';

/** Bytes git looks at to call a file binary; a NUL among them means binary (unless it is UTF-16). */
export const BINARY_SNIFF_BYTES = 8000;
/** Files above this are read and matched a window at a time, so memory stays flat for any file size. */
export const WINDOW_BYTES = 8 * 1024 * 1024;
/** Each window repeats this much of the previous one: longer than any secret a rule can match. */
export const WINDOW_OVERLAP_BYTES = 64 * 1024;
const REUSABLE_BUFFER_BYTES = 1 << 20;
const FIRST_STREAM_BUFFER = 64 * 1024;
let reusable: Buffer | undefined;

export type Encoding = 'utf8' | 'utf16le' | 'utf16be' | 'binary';

/** What the first bytes say: UTF-8 (or ASCII, or Latin-1: matched as bytes), UTF-16 with or without a BOM, or binary. */
export function sniff(data: Uint8Array): Encoding {
  if (data.length >= 2) {
    if (data[0] === 0xff && data[1] === 0xfe) return 'utf16le';
    if (data[0] === 0xfe && data[1] === 0xff) return 'utf16be';
  }
  const head = data.subarray(0, BINARY_SNIFF_BYTES);
  if (head.indexOf(0) === -1) return 'utf8';
  return utf16WithoutBom(head) ?? 'binary';
}

/**
 * Text in UTF-16 that is mostly ASCII (source code, config, keys) has a zero in every other byte, always on
 * the same side; binary formats scatter zeros and hold zero pairs (U+0000 is never text).
 */
function utf16WithoutBom(head: Uint8Array): 'utf16le' | 'utf16be' | undefined {
  const units = head.length >> 1;
  if (units < 2) return undefined;
  let zeroLow = 0;
  let zeroHigh = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    const even = head[i]!;
    const odd = head[i + 1]!;
    if (even === 0 && odd === 0) return undefined;
    if (even === 0) zeroLow++;
    if (odd === 0) zeroHigh++;
  }
  if (zeroHigh >= units * 0.6 && zeroLow <= units * 0.05) return 'utf16le';
  if (zeroLow >= units * 0.6 && zeroHigh <= units * 0.05) return 'utf16be';
  return undefined;
}

/** UTF-16 bytes as UTF-8, without the BOM: keys in them match, and columns count what an editor shows. */
export function utf16ToUtf8(data: Buffer, encoding: 'utf16le' | 'utf16be'): Buffer {
  let bytes = data.length % 2 === 1 ? data.subarray(0, data.length - 1) : data;
  if (encoding === 'utf16be') bytes = Buffer.from(bytes).swap16();
  let text = bytes.toString('utf16le');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return Buffer.from(text, 'utf8');
}

/** Bytes a source holds, as the engine should see them: undefined for binary, transcoded for UTF-16. */
export function bytesToText(data: Buffer): Buffer | undefined {
  const encoding = sniff(data);
  if (encoding === 'binary') return undefined;
  return encoding === 'utf8' ? data : utf16ToUtf8(data, encoding);
}

/** A piece of a file as the engine matches it, and where it sits in the whole file. */
export interface TextWindow {
  data: Buffer;
  /** Lines before the window's first byte. */
  lineOffset: number;
  /** UTF-16 columns between the start of the window's first line and its first byte (0 unless it starts mid-line). */
  columnOffset: number;
  /**
   * Window-relative position where the next window starts: a finding at or after it is left to that window,
   * which sees it whole (the overlap is longer than any secret), so none is reported twice.
   */
  handOff?: { line: number; column: number };
}

export interface ReadPolicy {
  maxFileSize: number;
  windowBytes?: number;
  overlapBytes?: number;
}

/**
 * Reads one file chunk and hands its text to `onWindow` (once for most files; window by window for files
 * larger than the window). Counts what it scanned or skipped in `stats`; warns only where the user should
 * hear of it (a named file skipped, an unreadable one). Named pipes, devices and stdin are read to their end,
 * bounded by the size limit; a FIFO met in a tree walk, or named on the command line, is never opened for a
 * blocking read, so a FIFO without a writer cannot hang the scan.
 */
export function readFileChunk(
  chunk: FileChunk,
  policy: ReadPolicy,
  stats: ScanStats,
  warn: (message: string) => void,
  onWindow: (window: TextWindow) => void,
  /** A binary file's bytes (the first window of a large one): some binary files are credentials themselves. */
  onBinary?: (bytes: Buffer) => void,
): void {
  const shown = chunk.origin.path;
  const explicit = chunk.explicit === true;
  let fd: number;
  const own = chunk.fd === undefined;
  if (chunk.fd !== undefined) {
    fd = chunk.fd;
  } else {
    if (explicit && isNamedFifo(chunk.file)) {
      stats.fifosSkipped++;
      warn(`skipped ${shown}: a named pipe (FIFO), which could wait forever for a writer; pipe into keyward scan - instead`);
      return;
    }
    try {
      // In a walk: never follow a symlink git listed, and never block opening a FIFO.
      fd = openSync(chunk.file, explicit ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!explicit && code === 'ELOOP') {
        stats.symlinksSkipped++;
        return;
      }
      // Tracked but deleted in the work tree, or gone since the listing: nothing there to scan.
      if (!explicit && (code === 'ENOENT' || code === 'ENOTDIR')) return;
      if (!explicit && code === 'ENXIO') {
        stats.fifosSkipped++;
        return;
      }
      stats.filesUnreadable++;
      warn(`cannot read ${shown}: ${describeFsError(error)}`);
      return;
    }
  }
  try {
    const info = fstatSync(fd);
    // A submodule git lists as a path; its own files belong to its own scan.
    if (info.isDirectory()) return;
    if (!info.isFile() || !own) {
      if (!explicit) {
        stats.fifosSkipped++;
        return;
      }
      readWindows(fd, undefined, policy, shown, explicit, stats, warn, onWindow);
      return;
    }
    if (info.size > policy.maxFileSize) {
      stats.filesTooLarge++;
      warn(`skipped ${shown}: ${formatBytes(info.size)} is over the ${formatBytes(policy.maxFileSize)} limit (--max-file-size)`);
      return;
    }
    if (info.size > (policy.windowBytes ?? WINDOW_BYTES)) {
      readWindows(fd, info.size, policy, shown, explicit, stats, warn, onWindow, onBinary);
      return;
    }
    readWhole(fd, info.size, shown, explicit, stats, warn, onWindow, onBinary);
  } catch (error) {
    stats.filesUnreadable++;
    warn(`cannot read ${shown}: ${describeFsError(error)}`);
  } finally {
    if (own) closeSync(fd);
  }
}

/** Most files: one read into a reused buffer (allocation dominates their cost); findings copy what they keep. */
function readWhole(
  fd: number,
  size: number,
  shown: string,
  explicit: boolean,
  stats: ScanStats,
  warn: (message: string) => void,
  onWindow: (window: TextWindow) => void,
  onBinary: ((bytes: Buffer) => void) | undefined,
): void {
  const buffer = size <= REUSABLE_BUFFER_BYTES ? (reusable ??= Buffer.allocUnsafe(REUSABLE_BUFFER_BYTES)) : Buffer.allocUnsafe(size);
  let length = 0;
  while (length < size) {
    const read = readSome(fd, buffer, length, size - length);
    if (read === 0) break;
    length += read;
  }
  const raw = buffer.subarray(0, length);
  const encoding = sniff(raw);
  if (encoding === 'binary') {
    stats.filesBinary++;
    if (explicit) warn(`skipped ${shown}: binary file (it holds NUL bytes)`);
    onBinary?.(raw);
    return;
  }
  stats.filesScanned++;
  stats.bytesScanned += length;
  onWindow({ data: encoding === 'utf8' ? raw : utf16ToUtf8(raw, encoding), lineOffset: 0, columnOffset: 0 });
}

/**
 * Large files and streams: windows of `windowBytes`, each starting `overlapBytes` before the previous one
 * ended. Memory holds one window (and, for UTF-16, its transcoded copy), whatever the file's size.
 */
function readWindows(
  fd: number,
  size: number | undefined,
  policy: ReadPolicy,
  shown: string,
  explicit: boolean,
  stats: ScanStats,
  warn: (message: string) => void,
  onWindow: (window: TextWindow) => void,
  onBinary?: (bytes: Buffer) => void,
): void {
  const windowBytes = Math.max(1024, policy.windowBytes ?? WINDOW_BYTES);
  const overlap = Math.min(policy.overlapBytes ?? WINDOW_OVERLAP_BYTES, windowBytes >> 2) & ~1;
  const limit = policy.maxFileSize;
  let buffer = Buffer.allocUnsafe(size === undefined ? Math.min(FIRST_STREAM_BUFFER, windowBytes) : windowBytes);
  let filled = 0;
  let total = 0;
  let encoding: Encoding | undefined;
  let lineOffset = 0;
  let columnOffset = 0;
  let truncated = false;
  for (;;) {
    let eof = false;
    while (filled < buffer.length) {
      if (total >= limit) {
        truncated = readSome(fd, Buffer.allocUnsafe(1), 0, 1) > 0;
        eof = true;
        break;
      }
      const read = readSome(fd, buffer, filled, Math.min(buffer.length - filled, limit - total));
      if (read === 0) {
        eof = true;
        break;
      }
      filled += read;
      total += read;
      if (filled === buffer.length && buffer.length < windowBytes) {
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 4, windowBytes));
        buffer.copy(grown, 0, 0, filled);
        buffer = grown;
      }
    }
    const raw = buffer.subarray(0, filled);
    if (encoding === undefined) {
      encoding = sniff(raw);
      if (encoding === 'binary') {
        stats.filesBinary++;
        if (explicit) warn(`skipped ${shown}: binary file (it holds NUL bytes)`);
        onBinary?.(raw);
        return;
      }
    }
    const text = (bytes: Buffer) => (encoding === 'utf8' ? bytes : utf16ToUtf8(bytes, encoding as 'utf16le' | 'utf16be'));
    if (eof || filled <= overlap) {
      onWindow({ data: text(raw), lineOffset, columnOffset });
      break;
    }
    const cut = (filled - overlap) & ~1;
    const head = text(raw.subarray(0, cut));
    const { newlines, tail } = endPosition(head);
    onWindow({ data: text(raw), lineOffset, columnOffset, handOff: { line: 1 + newlines, column: 1 + tail } });
    if (newlines > 0) {
      lineOffset += newlines;
      columnOffset = tail;
    } else {
      columnOffset += tail;
    }
    buffer.copyWithin(0, cut, filled);
    filled -= cut;
  }
  stats.filesScanned++;
  stats.bytesScanned += total;
  if (truncated) warn(`read only the first ${formatBytes(limit)} of ${shown}: the --max-file-size limit (what came before it was scanned)`);
}

/** Newlines in `data`, and the UTF-16 length of what follows the last one. */
function endPosition(data: Buffer): { newlines: number; tail: number } {
  let newlines = 0;
  let last = -1;
  for (let at = data.indexOf(10); at !== -1; at = data.indexOf(10, at + 1)) {
    newlines++;
    last = at;
  }
  let tail = 0;
  for (let i = last + 1; i < data.length; i++) {
    const byte = data[i]!;
    // Each UTF-8 lead byte starts one character; four-byte ones are two UTF-16 units.
    if ((byte & 0xc0) !== 0x80) tail += byte >= 0xf0 ? 2 : 1;
  }
  return { newlines, tail };
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** A read that waits out EAGAIN: stdin may be a non-blocking pipe, and readers here are synchronous. */
function readSome(fd: number, buffer: Buffer, offset: number, length: number): number {
  for (;;) {
    try {
      return readSync(fd, buffer, offset, length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(SLEEPER, 0, 0, 5);
        continue;
      }
      if (code === 'EOF') return 0;
      throw error;
    }
  }
}

/**
 * A FIFO someone made with mkfifo, as opposed to a pipe the shell already holds open for us (`/dev/stdin`,
 * `<(…)`, which is `/dev/fd/N`): the first may never get a writer, the second is read to its end.
 */
export function isNamedFifo(file: string): boolean {
  try {
    if (!statSync(file).isFIFO()) return false;
  } catch {
    return false;
  }
  return !isDescriptorPath(file);
}

/** `/dev/stdin`, `/dev/fd/N`, `/proc/self/fd/N`: a descriptor this process already holds, read without opening (a socket cannot be opened by name). */
export function descriptorOf(file: string): number | undefined {
  const match = /^\/(?:dev\/(stdin)|dev\/fd\/(\d+)|proc\/(?:self|thread-self)\/fd\/(\d+))$/.exec(file);
  if (match === null) return undefined;
  return match[1] !== undefined ? 0 : Number(match[2] ?? match[3]);
}

const DESCRIPTOR_PATH = /^\/(?:dev\/(?:stdin|fd\/\d+)|proc\/(?:self|thread-self|\d+)\/fd\/\d+)$/;

function isDescriptorPath(file: string): boolean {
  let path = resolve(file);
  for (let hops = 0; hops < 16; hops++) {
    if (DESCRIPTOR_PATH.test(path)) return true;
    let target: string;
    try {
      if (!lstatSync(path).isSymbolicLink()) return false;
      target = readlinkSync(path);
    } catch {
      return false;
    }
    if (/^(?:pipe|socket):\[/.test(target)) return true;
    path = resolve(dirname(path), target);
  }
  return false;
}
