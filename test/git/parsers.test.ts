import { describe, expect, it } from 'vitest';
import { CatFileParser } from '../../src/sources/git/cat-file.js';
import { parsePrePushInput, pushRevArgs } from '../../src/sources/git/pre-push.js';
import { unquotePath } from '../../src/sources/git/spawn.js';
import { parseUnifiedZero, touchesAdded } from '../../src/sources/git/staged.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

/** `reuse`: every chunk is pushed from one buffer, overwritten before the next push, as blobs.ts reads. */
function parseInChunks(stream: Buffer, size: number, skipOver = Infinity, reuse = false) {
  const seen: string[] = [];
  let target: Uint8Array | undefined;
  const parser = new CatFileParser({
    object: (oid, type, length) => (length > skipOver ? undefined : (target = new Uint8Array(length))),
    objectEnd: (oid, type, length) => {
      seen.push(`${oid.slice(0, 1)} ${type} ${length} ${length > skipOver ? '<skipped>' : Buffer.from(target!).toString()}`);
    },
    missing: (oid, reason) => seen.push(`${oid.slice(0, 1)} ${reason}`),
  });
  const shared = Buffer.alloc(size);
  for (let at = 0; at < stream.length; at += size) {
    const piece = stream.subarray(at, at + size);
    if (!reuse) {
      parser.push(piece);
      continue;
    }
    piece.copy(shared);
    parser.push(shared.subarray(0, piece.length));
    shared.fill(0x3f);
  }
  expect(parser.idle).toBe(true);
  return seen;
}

describe('git cat-file --batch framing', () => {
  const stream = Buffer.from(`${A} blob 11\nhello\nworld\n${B} missing\n${C} blob 0\n\n${A} blob 3\n\n\n\n\n`);
  const expected = ['a blob 11 hello\nworld', 'b missing', 'c blob 0 ', 'a blob 3 \n\n\n'];

  it('parses the same objects however the bytes are chunked', () => {
    for (const size of [1, 2, 3, 7, 41, 50, 1000]) expect(parseInChunks(stream, size)).toEqual(expected);
  });

  it('keeps nothing of a chunk once it returns, so the reader may fill the same buffer again', () => {
    for (const size of [1, 3, 7, 41, 50]) expect(parseInChunks(stream, size, Infinity, true)).toEqual(expected);
  });

  it('lets content it does not want stream past', () => {
    expect(parseInChunks(stream, 5, 4)).toEqual(['a blob 11 <skipped>', 'b missing', 'c blob 0 ', 'a blob 3 \n\n\n']);
  });

  it('rejects a stream that is out of frame', () => {
    const parser = new CatFileParser({ object: () => undefined, objectEnd: () => {}, missing: () => {} });
    expect(() => parser.push(Buffer.from(`${A} blob 2\nabX`))).toThrow(/expected a newline/);
  });
});

describe('staged diff parsing', () => {
  it('reads added line ranges per file, skipping hunk bodies by count', () => {
    const patch = [
      `diff --git a/x.txt b/x.txt`,
      `index ${A}..${B} 100644`,
      '--- a/x.txt',
      '+++ b/x.txt',
      '@@ -2 +2,2 @@',
      '-old',
      '+++ b/not-a-header',
      '+new',
      '@@ -10,0 +12 @@ context',
      '+added',
      `diff --git a/gone.txt b/gone.txt`,
      `index ${A}..${'0'.repeat(40)}`,
      '--- a/gone.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      `diff --git a/with space.txt b/with space.txt`,
      'new file mode 100644',
      `index ${'0'.repeat(40)}..${C}`,
      '--- /dev/null',
      '+++ b/with space.txt\t',
      '@@ -0,0 +1 @@',
      '+x',
      '\\ No newline at end of file',
      `diff --git "a/t\\303\\251st" "b/t\\303\\251st"`,
      `index ${A}..${C} 100644`,
      '--- "a/t\\303\\251st"',
      '+++ "b/t\\303\\251st"',
      '@@ -1 +1 @@',
      '-a',
      '\\ No newline at end of file',
      '+b',
      '\\ No newline at end of file',
      'diff --git a/pure-delete b/pure-delete',
      '',
    ].join('\n');
    expect(parseUnifiedZero(patch)).toEqual([
      { path: 'x.txt', oid: B, added: [[2, 3], [12, 12]] },
      { path: 'with space.txt', oid: C, added: [[1, 1]] },
      { path: 'tést', oid: C, added: [[1, 1]] },
    ]);
    expect(touchesAdded([[2, 3]], 3, 3)).toBe(true);
    expect(touchesAdded([[2, 3]], 4, 5)).toBe(false);
    expect(touchesAdded([[2, 3]], 1, 2)).toBe(true);
  });

  it('unquotes C-style quoted paths', () => {
    expect(unquotePath('"a\\tb\\"c\\\\"')).toBe('a\tb"c\\');
    expect(unquotePath('plain')).toBe('plain');
  });
});

describe('pre-push input', () => {
  it('turns ref updates into a revision range, skipping deletions', () => {
    const zero = '0'.repeat(40);
    const updates = parsePrePushInput(`refs/heads/main ${A} refs/heads/main ${B}\nrefs/heads/new ${C} refs/heads/new ${zero}\n(delete) ${zero} refs/heads/old ${A}\n`);
    expect(updates).toHaveLength(3);
    expect(pushRevArgs(updates, () => true)).toEqual([A, C, '--not', B, '--remotes']);
    expect(pushRevArgs(updates.slice(0, 1), () => true)).toEqual([A, '--not', B]);
    // A remote tip this clone never fetched: measure against the remote-tracking refs instead.
    expect(pushRevArgs(updates.slice(0, 1), () => false)).toEqual([A, '--not', '--remotes']);
    expect(pushRevArgs(updates.slice(2), () => true)).toBeUndefined();
    expect(pushRevArgs([], () => true)).toBeUndefined();
  });
});
