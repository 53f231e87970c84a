/**
 * Secrets hidden one encoding deep (a base64 Kubernetes Secret, a hex- or percent-encoded token in a URL)
 * are found by decoding encoded-looking segments and running the same matcher over the decoded bytes.
 *
 * Memory and time stay bounded whatever the input: candidate segments are found by RE2 over the raw bytes
 * (in bounded pieces, see forEachEncodedSegment), a segment is at most MAX_SEGMENT bytes, decoding goes
 * `depth` levels at most, and every chunk has a budget of decoded bytes (gitleaks #2019: unbounded
 * recursive decoding ate 24 GB). Past the budget the rest of the chunk is not decoded, and the stats say so.
 */
import type { Matcher } from '../matcher/index.js';
import { forEachEncodedSegment, type EncodedSegment } from '../matcher/filters.js';
import type { Rule } from '../rules/types.js';
import { countDrop, detect, type DetectStats, type Detection } from './detect.js';
import type { DecodeOptions } from './noise.js';

/** Longest encoded segment decoded as one piece (joined from adjacent 1000-byte pieces). */
export const MAX_SEGMENT = 64 * 1024;
/** Decoded bytes must be at least this share of printable ASCII to be worth scanning. */
const PRINTABLE_SHARE = 0.95;
const MIN_DECODED = 8;

interface Decoded {
  kind: 'base64' | 'hex' | 'percent';
  bytes: Buffer;
}

/**
 * Detections in decoded segments of `data`. Their offsets are those of the outermost encoded segment in
 * `data`, and `decoded` lists the encodings, outermost first.
 */
export function detectDecoded(matcher: Matcher, rules: readonly Rule[], data: Buffer, options: DecodeOptions, stats?: DetectStats): Detection[] {
  const found: Detection[] = [];
  if (options.depth <= 0 || options.maxBytes <= 0) return found;
  let budget = options.maxBytes;
  let exhausted = false;
  // Breadth first: a level's segments are all visited before any decoded buffer is searched again, so the
  // segment search (whose RE2 state is shared) never re-enters itself. The queue holds at most `budget` bytes.
  let level: { bytes: Buffer; chain: string[]; span: { start: number; end: number } | undefined }[] = [{ bytes: data, chain: [], span: undefined }];
  for (let depth = 1; depth <= options.depth && level.length > 0 && !exhausted; depth++) {
    const next: typeof level = [];
    for (const item of level) {
      if (exhausted) break;
      forEachEncodedSegment(item.bytes, MAX_SEGMENT, (segment) => {
        if (budget <= 0) {
          exhausted = true;
          return false;
        }
        const decoded = decodeSegment(item.bytes, segment);
        budget -= Math.max(decoded?.bytes.length ?? 0, Math.floor((segment.end - segment.start) / 2));
        if (decoded === undefined) return true;
        const span = item.span ?? { start: segment.start, end: segment.end };
        const chain = [...item.chain, decoded.kind];
        for (const detection of detect(matcher, rules, decoded.bytes, stats)) {
          found.push({ ...detection, start: span.start, end: span.end, decoded: chain });
        }
        if (depth < options.depth) next.push({ bytes: decoded.bytes, chain, span });
        return true;
      });
    }
    level = next;
  }
  if (exhausted) countDrop(stats, 'decode-budget');
  return found;
}

function decodeSegment(data: Buffer, segment: EncodedSegment): Decoded | undefined {
  const { start, end } = segment;
  if (segment.kind === 'percent') {
    const bytes = percentDecode(data.toString('latin1', start, end));
    return mostlyPrintable(bytes) ? { kind: 'percent', bytes } : undefined;
  }
  // Most runs in real files are digests, integrity hashes and binary blobs: their first bytes already
  // decode to more unprintable bytes than the whole may hold, and they are dropped before any decoding.
  if ((end - start) % 2 === 0 && isHex(data, start, end)) {
    const bytes = hexDecodePrintable(data, start, end);
    return bytes === undefined ? undefined : { kind: 'hex', bytes };
  }
  if (!base64HeadPrintable(data, start, end)) return undefined;
  // Buffer's base64 decoder accepts the standard and the url-safe alphabet alike.
  const bytes = Buffer.from(data.toString('latin1', start, end), 'base64');
  return mostlyPrintable(bytes) ? { kind: 'base64', bytes } : undefined;
}

const HEX_VALUE = new Int8Array(256).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}

const BASE64_VALUE = new Int8Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((char, value) => (BASE64_VALUE[char.charCodeAt(0)] = value));
BASE64_VALUE['-'.charCodeAt(0)] = 62;
BASE64_VALUE['_'.charCodeAt(0)] = 63;

function isHex(data: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (HEX_VALUE[data[i]!]! < 0) return false;
  return true;
}

function isPrintable(byte: number): boolean {
  return (byte >= 0x20 && byte <= 0x7e) || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** Most unprintable bytes a decoded buffer of `length` may hold and still be scanned. */
function unprintableAllowance(length: number): number {
  return Math.floor(length * (1 - PRINTABLE_SHARE) + 1e-9);
}

/** The hex run decoded, or undefined as soon as it holds more unprintable bytes than mostlyPrintable allows. */
function hexDecodePrintable(data: Buffer, start: number, end: number): Buffer | undefined {
  const length = (end - start) / 2;
  if (length < MIN_DECODED) return undefined;
  const allowance = unprintableAllowance(length);
  const out = Buffer.allocUnsafe(length);
  let unprintable = 0;
  for (let i = 0; i < length; i++) {
    const byte = (HEX_VALUE[data[start + 2 * i]!]! << 4) | HEX_VALUE[data[start + 2 * i + 1]!]!;
    if (!isPrintable(byte) && ++unprintable > allowance) return undefined;
    out[i] = byte;
  }
  return out;
}

/** Whether the first 12 bytes a base64 run decodes to leave it a chance of being mostly printable. */
function base64HeadPrintable(data: Buffer, start: number, end: number): boolean {
  const quanta = Math.min(4, Math.floor((end - start) / 4));
  const allowance = unprintableAllowance(Math.floor(((end - start) * 3) / 4));
  let unprintable = 0;
  for (let q = 0; q < quanta; q++) {
    let bits = 0;
    for (let j = 0; j < 4; j++) {
      const value = BASE64_VALUE[data[start + 4 * q + j]!]!;
      if (value < 0) return true;
      bits = (bits << 6) | value;
    }
    for (const byte of [(bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff]) if (!isPrintable(byte) && ++unprintable > allowance) return false;
  }
  return true;
}

function percentDecode(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x25 && i + 2 < text.length && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out[length++] = Number.parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[length++] = code;
    }
  }
  return out.subarray(0, length);
}

function mostlyPrintable(bytes: Buffer): boolean {
  if (bytes.length < MIN_DECODED) return false;
  let printable = 0;
  for (const byte of bytes) if (isPrintable(byte)) printable++;
  return printable >= bytes.length * PRINTABLE_SHARE;
}
