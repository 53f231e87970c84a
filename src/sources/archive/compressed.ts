import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Bunzip from 'seek-bzip';
import { checkRatio, LimitHit } from './limits.js';
import { CorruptArchive, type ReadContext } from './members.js';

/**
 * The decompressed bytes of a gzip stream (concatenated members too), counted as they come: the meter and the
 * ratio are checked on every piece, so a bomb is stopped after at most one piece past its limit.
 */
export async function* gunzip(input: Readable, context: ReadContext): AsyncGenerator<Buffer> {
  const inflate = createGunzip();
  let consumed = 0;
  input.on('data', (part: Buffer) => (consumed += part.length));
  input.on('error', (error) => inflate.destroy(error));
  input.pipe(inflate);
  let out = 0;
  try {
    for await (const part of inflate as AsyncIterable<Buffer>) {
      out += part.length;
      context.meter.charge(part.length, context.where);
      checkRatio(context.limits, out, consumed, context.where);
      yield part;
    }
  } catch (error) {
    if (error instanceof LimitHit) throw error;
    throw new CorruptArchive(context.where, 'gzip', error);
  } finally {
    input.unpipe(inflate);
    input.destroy();
    inflate.destroy();
  }
}

const PIECE_BYTES = 1024 * 1024;

/**
 * The decompressed bytes of a bzip2 stream. The decoder (pure JavaScript) works on the whole input at once,
 * so the compressed input is read whole (it is charged to the meter first, and cut there); the output is
 * counted byte by byte and the decoder is stopped at the first limit.
 */
export async function* bunzip2(input: Readable, context: ReadContext): AsyncGenerator<Buffer> {
  const compressed: Buffer[] = [];
  let consumed = 0;
  try {
    for await (const part of input as AsyncIterable<Buffer>) {
      consumed += part.length;
      if (consumed > context.limits.maxArchiveBytes) {
        throw new LimitHit('archive', `skipped ${context.where}: bzip2 input over the ${context.limits.maxArchiveBytes} byte limit for one archive`);
      }
      compressed.push(part);
    }
  } finally {
    input.destroy();
  }
  const pieces: Buffer[] = [];
  let piece = Buffer.allocUnsafe(PIECE_BYTES);
  let at = 0;
  let out = 0;
  const flush = () => {
    if (at === 0) return;
    context.meter.charge(at, context.where);
    out += at;
    checkRatio(context.limits, out, consumed, context.where);
    pieces.push(piece.subarray(0, at));
    piece = Buffer.allocUnsafe(PIECE_BYTES);
    at = 0;
  };
  try {
    Bunzip.decode(
      Buffer.concat(compressed, consumed),
      {
        writeByte(byte: number) {
          piece[at++] = byte;
          if (at === PIECE_BYTES) flush();
        },
      },
      true,
    );
    flush();
  } catch (error) {
    if (!(error instanceof LimitHit)) throw new CorruptArchive(context.where, 'bzip2', error);
    // What was decoded before the limit is still scanned; the limit itself is the caller's warning.
    yield* pieces;
    throw error;
  }
  yield* pieces;
}
