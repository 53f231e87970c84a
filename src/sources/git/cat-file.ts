import { spawnGit, gitMessage } from './spawn.js';

/** What a `git cat-file --batch` reader is told, in the order git answers. */
export interface CatFileHandlers {
  /**
   * An object header. Return a view of exactly `size` bytes for the content to be copied into, or
   * undefined to let the content stream past without keeping it.
   */
  object(oid: string, type: string, size: number): Uint8Array | undefined;
  /** The content of the object announced last is complete (called whether it was kept or not). */
  objectEnd(oid: string, type: string, size: number): void;
  /** `<oid> missing` (also what git says for a corrupt object) or `<oid> ambiguous`. */
  missing(oid: string, reason: string): void;
}

const LF = 0x0a;
const MAX_HEADER = 1024;

/**
 * Parses the `<oid> <type> <size>\n<content>\n` framing of `git cat-file --batch` from a byte stream of
 * any chunking. It never holds more than one header line: content goes straight into the caller's view
 * (or past it), so memory stays flat however large the history. It keeps no reference to a chunk pushed.
 */
export class CatFileParser {
  readonly #handlers: CatFileHandlers;
  #header: Buffer[] = [];
  #headerLength = 0;
  /** Content bytes still to come for the current object; -1 while reading a header. */
  #remaining = -1;
  /** The LF after the content has not arrived yet. */
  #trailer = false;
  #target: Uint8Array | undefined;
  #written = 0;
  #current = { oid: '', type: '', size: 0 };

  constructor(handlers: CatFileHandlers) {
    this.#handlers = handlers;
  }

  /** True between objects: the stream may end here without losing anything. */
  get idle(): boolean {
    return this.#remaining === -1 && !this.#trailer && this.#headerLength === 0;
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#trailer) {
        if (chunk[at] !== LF) throw new Error(`git cat-file: expected a newline after object ${this.#current.oid}`);
        at++;
        this.#trailer = false;
        continue;
      }
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - at);
        if (this.#target !== undefined) this.#target.set(chunk.subarray(at, at + take), this.#written);
        this.#written += take;
        this.#remaining -= take;
        at += take;
        if (this.#remaining === 0) this.#finishObject();
        continue;
      }
      const newline = chunk.indexOf(LF, at);
      if (newline === -1) {
        // A copy: the caller may fill `chunk` again (blobs.ts reads into one reused buffer).
        this.#header.push(Buffer.from(chunk.subarray(at)));
        this.#headerLength += chunk.length - at;
        if (this.#headerLength > MAX_HEADER) throw new Error('git cat-file: header line too long');
        return;
      }
      const piece = chunk.subarray(at, newline);
      const line = (this.#headerLength === 0 ? piece : Buffer.concat([...this.#header, piece])).toString('latin1');
      this.#header = [];
      this.#headerLength = 0;
      at = newline + 1;
      this.#startObject(line);
    }
  }

  #startObject(line: string): void {
    const parts = line.split(' ');
    if (parts.length === 2) {
      this.#handlers.missing(parts[0]!, parts[1]!);
      return;
    }
    const [oid, type, sizeText] = parts;
    const size = Number(sizeText);
    if (parts.length !== 3 || !Number.isSafeInteger(size) || size < 0) throw new Error(`git cat-file: unexpected header '${line.slice(0, 120)}'`);
    this.#current = { oid: oid!, type: type!, size };
    this.#target = this.#handlers.object(oid!, type!, size);
    if (this.#target !== undefined && this.#target.length !== size) throw new Error('git cat-file: target view does not match the object size');
    this.#written = 0;
    this.#remaining = size;
    if (size === 0) this.#finishObject();
  }

  #finishObject(): void {
    this.#remaining = -1;
    this.#trailer = true;
    this.#target = undefined;
    const { oid, type, size } = this.#current;
    this.#handlers.objectEnd(oid, type, size);
  }
}

/** Reads a few objects whole with one `git cat-file --batch`: for small sets (staged files). */
export async function readObjects(cwd: string, oids: string[], maxSize: number): Promise<Map<string, Buffer | 'missing' | 'too-large'>> {
  const results = new Map<string, Buffer | 'missing' | 'too-large'>();
  if (oids.length === 0) return results;
  const { child, stderrText, exited } = spawnGit(cwd, ['cat-file', '--batch']);
  let current: Buffer | undefined;
  const parser = new CatFileParser({
    object: (_oid, _type, size) => (size > maxSize ? undefined : (current = Buffer.allocUnsafe(size))),
    objectEnd: (oid, _type, size) => {
      results.set(oid, size > maxSize || current === undefined ? 'too-large' : current);
      current = undefined;
    },
    missing: (oid) => results.set(oid, 'missing'),
  });
  let failure: unknown;
  child.stdout.on('data', (chunk: Buffer) => {
    try {
      if (failure === undefined) parser.push(chunk);
    } catch (error) {
      failure = error;
      child.kill();
    }
  });
  child.stdin.end(`${oids.join('\n')}\n`);
  const code = await exited;
  if (failure !== undefined) throw failure;
  if (code !== 0) throw new Error(`git cat-file failed: ${gitMessage(stderrText())}`);
  return results;
}
