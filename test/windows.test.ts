// Issue 16 item 19: files larger than the reader's window are matched a window at a time, with an overlap,
// so memory stays flat for a huge file, and a key on a window boundary is found once, at its true place.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WINDOW_BYTES, WINDOW_OVERLAP_BYTES } from '../src/sources/read.js';
import { CLI, runCli, tempDir } from './helpers.js';
import { fakeKey } from './git/repo.js';

interface Report {
  findings: { line: number; column: number; endColumn: number; secretSha256: string }[];
}

const MB = 1024 * 1024;

/** 1-based line and UTF-16 column of byte `offset` in `data` (ASCII before it on its line). */
function positionOf(data: Buffer, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = data.indexOf(10); at !== -1 && at < offset; at = data.indexOf(10, at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: data.toString('utf8', lineStart, offset).length + 1 };
}

describe('huge files in overlapping windows', () => {
  it('finds each key near a window boundary exactly once, at its line and column', () => {
    const dir = tempDir();
    const size = 3 * WINDOW_BYTES;
    const data = Buffer.alloc(size, 'lorem ipsum dolor sit amet, consectetur adipiscing elit sed do eiusmod tempor\n');
    const cut = WINDOW_BYTES - WINDOW_OVERLAP_BYTES;
    const offsets = [
      cut - 30, // starts before the second window, ends inside the overlap
      WINDOW_BYTES - 20, // runs past the end of the first window: only the second sees it whole
      2 * cut + 100, // inside the second overlap
      size - 200,
    ];
    offsets.forEach((offset, i) => data.write(` ${fakeKey(30 + i)} `, offset - 1));
    // A multi-byte character early on a line that a window starts in the middle of.
    data.write('é😀', cut - 400);
    const file = join(dir, 'big.log');
    writeFileSync(file, data);
    const result = runCli(['scan', file, '--max-file-size', '64MB', '--format', 'json']);
    expect(result.status, result.stderr).toBe(1);
    const found = (JSON.parse(result.stdout) as Report).findings.map((f) => [f.line, f.column]);
    const expected = offsets.map((offset) => positionOf(data, offset)).map((p) => [p.line, p.column]);
    expect(found).toEqual(expected);
  });

  it('scans a 200 MB single-line file with memory bounded by the window, and places its keys', async () => {
    const dir = tempDir();
    const file = join(dir, 'one-line.min.js');
    const out = createWriteStream(file);
    // A multi-byte start, then filler with no newline at all; one key on a window boundary, one at the end.
    const head = 'var x="é😀";';
    out.write(head);
    let written = Buffer.byteLength(head);
    const piece = 'function f(a){return a+1};'.repeat(4096);
    const boundaryKey = fakeKey(40);
    let boundaryOffset = -1;
    while (written < 200 * MB) {
      if (boundaryOffset === -1 && written + piece.length > 2 * WINDOW_BYTES - 10) {
        const text = `k="${boundaryKey}";`;
        boundaryOffset = written + 3;
        if (!out.write(text)) await once(out, 'drain');
        written += text.length;
      }
      if (!out.write(piece)) await once(out, 'drain');
      written += piece.length;
    }
    const endOffset = written + 3;
    out.end(`k="${fakeKey(41)}";`);
    await once(out, 'finish');

    const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
    const measure = (args: string[]) => {
      const run = time === undefined ? spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 }) : spawnSync(time, ['-f', 'MAXRSS_KB %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const rss = /MAXRSS_KB (\d+)/.exec(run.stderr);
      return { run, mb: rss === null ? undefined : Number(rss[1]) / 1024 };
    };
    const small = join(dir, 'small.js');
    writeFileSync(small, head);
    const baseline = measure([CLI, 'scan', small, '--format', 'json', '--threads', '1']);
    const big = measure([CLI, 'scan', file, '--max-file-size', '256MB', '--format', 'json', '--threads', '1']);
    expect(big.run.status, big.run.stderr).toBe(1);
    const findings = (JSON.parse(big.run.stdout) as Report).findings;
    // Byte offsets to UTF-16 columns: é is 2 bytes and 1 unit, 😀 is 4 bytes and 2 units.
    const column = (offset: number) => offset - 3 + 1;
    expect(findings.map((f) => [f.line, f.column])).toEqual([
      [1, column(boundaryOffset)],
      [1, column(endOffset)],
    ]);
    if (big.mb !== undefined && baseline.mb !== undefined) {
      console.log(`200 MB single line: peak RSS ${big.mb.toFixed(0)} MB, a small file ${baseline.mb.toFixed(0)} MB (window ${WINDOW_BYTES / MB} MB)`);
      // The file costs one window plus RE2's bounded DFA cache, never its own size.
      expect(big.mb - baseline.mb).toBeLessThan((2 * WINDOW_BYTES) / MB + 4);
    }
  }, 120_000);
});
