import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** What dd writes at a time: the most a pipe holds. */
const BLOCK_BYTES = 65_536;
/** The one buffer every read lands in. */
const READ_BUFFER_BYTES = 4 * BLOCK_BYTES;
/** Longest Unix socket path (sun_path is 104 bytes on macOS, 108 on Linux). */
const MAX_SOCKET_PATH = 100;

let ddWorks: boolean | undefined;

/** dd is in every Unix's base system; checked once, so a system without it reads git directly. */
function ddAvailable(): boolean {
  if (ddWorks === undefined) {
    ddWorks = process.platform !== 'win32' && spawnSync('dd', ['if=/dev/null', 'of=/dev/null'], { stdio: 'ignore' }).status === 0;
  }
  return ddWorks;
}

/** A chunk handler; a promise it returns holds the next read back until it settles (backpressure). */
export type ChunkHandler = (chunk: Buffer) => Promise<void> | void;

export interface ReblockedOutput {
  /** Feeds every byte of the output to `onChunk`, in order; resolves at its end. `onChunk` must not keep the chunk. */
  consume(onChunk: ChunkHandler): Promise<void>;
  kill(): void;
}

/**
 * `git cat-file --batch` writes each blob with write(2) calls of its own (a header, then the content
 * streamed unbuffered, `--buffer` or not), so a reader that keeps up gets one small chunk per blob: on a
 * 281 MB history, 108,000 reads of 2.7 KB, and Node's stream machinery around each cost 1.4 s of the
 * main thread. Through dd, which gathers its input into 64 KB blocks (ibs and obs given apart make it
 * reblock), the same bytes arrive in 4,600 reads. They are read into one reused buffer (a Unix socket
 * with `onread`), not a fresh Buffer per read: 2.65 GB of short-lived read buffers kept the main thread in
 * mark-compacts for external memory (82 of them, 2.4 s). Without dd or such a socket, `stream` is read
 * as it is. `stream` must not be read by anyone else.
 */
export async function reblocked(stream: Readable): Promise<ReblockedOutput> {
  if (!ddAvailable()) return streamOutput(stream, () => {});
  const socket = await reusedBufferSocket().catch(() => undefined);
  const dd = spawn('dd', [`ibs=${BLOCK_BYTES}`, `obs=${BLOCK_BYTES}`], { stdio: [stream, socket?.writeEnd ?? 'pipe', 'ignore'] });
  // dd holds its own copies of git's end and of ours; keeping these would hold both streams open forever.
  stream.destroy();
  socket?.writeEnd.destroy();
  // A dd that dies leaves git writing to nobody: git stops on SIGPIPE and its caller reports the early end.
  dd.on('error', () => {});
  const kill = () => dd.kill();
  return socket === undefined ? streamOutput(dd.stdout!, kill) : { consume: socket.consume, kill };
}

function streamOutput(stream: Readable, kill: () => void): ReblockedOutput {
  return {
    async consume(onChunk) {
      for await (const chunk of stream as AsyncIterable<Buffer>) await onChunk(chunk);
    },
    kill,
  };
}

/** A connected pair of Unix sockets: a child writes into `writeEnd`, and every read lands in one buffer. */
async function reusedBufferSocket(): Promise<{ writeEnd: Socket; consume: ReblockedOutput['consume'] }> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-pipe-'));
  try {
    const path = join(dir, 'blobs');
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) throw new Error('socket path too long');
    const server = createServer({ pauseOnConnect: true });
    server.listen(path);
    await once(server, 'listening');
    const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    let handle: (chunk: Buffer) => void = () => {};
    const reader = connect({
      path,
      onread: {
        buffer,
        callback: (bytes: number) => {
          handle(buffer.subarray(0, bytes));
          return true;
        },
      },
    });
    let early: unknown;
    reader.on('error', (error) => (early ??= error));
    const [[writeEnd]] = await Promise.all([once(server, 'connection') as Promise<[Socket]>, once(reader, 'connect')]);
    server.close();
    // Nothing is read until someone consumes.
    reader.pause();
    const consume: ReblockedOutput['consume'] = (onChunk) =>
      new Promise<void>((resolve, reject) => {
        const fail = (error: unknown) => {
          reader.destroy();
          reject(error instanceof Error ? error : new Error(String(error)));
        };
        if (early !== undefined) return fail(early);
        handle = (chunk) => {
          try {
            const pending = onChunk(chunk);
            if (pending instanceof Promise) {
              reader.pause();
              pending.then(() => reader.resume(), fail);
            }
          } catch (error) {
            fail(error);
          }
        };
        reader.on('error', fail);
        reader.on('end', resolve);
        reader.resume();
      });
    return { writeEnd, consume };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
