import { describe, expect, it } from 'vitest';
import { forEachEncodedSegment } from '../../src/matcher/filters.js';
import { xorshift32 } from '../helpers.js';

/** The definition the fast search must keep: every maximal run of 20+ base64/hex characters holding a digit, padding included. */
function referenceBase64Runs(text: string): string[] {
  const runs: string[] = [];
  for (const match of text.matchAll(/[A-Za-z0-9+/_-]+={0,2}/g)) {
    const body = match[0].replace(/=+$/, '');
    if (body.length >= 20 && /[0-9]/.test(body)) runs.push(`${match.index}-${match.index + match[0].length}`);
  }
  return runs;
}

function base64Runs(text: string): string[] {
  const runs: string[] = [];
  forEachEncodedSegment(Buffer.from(text, 'latin1'), 1 << 16, (segment) => {
    if (segment.kind === 'base64') runs.push(`${segment.start}-${segment.end}`);
    return true;
  });
  return runs;
}

function percentRuns(text: string): string[] {
  const runs: string[] = [];
  forEachEncodedSegment(Buffer.from(text, 'latin1'), 1 << 16, (segment) => {
    if (segment.kind === 'percent') runs.push(text.slice(segment.start, segment.end));
    return true;
  });
  return runs;
}

describe('encoded segment search', () => {
  it('finds runs at the edges: exactly 20 characters, 19, no digit, padding, a run right after padding', () => {
    const twenty = 'aB3dEfGhIjKlMnOpQrSt';
    expect(base64Runs(twenty)).toEqual(['0-20']);
    expect(base64Runs(`${twenty.slice(0, 19)} ${'x'.repeat(30)}`)).toEqual([]);
    expect(base64Runs(`x ${'abcdefghijklmnopqrstuvwxyz'} y`)).toEqual([]);
    expect(base64Runs(`k: ${twenty}== next`)).toEqual(['3-25']);
    expect(base64Runs(`${twenty}==${twenty}`)).toEqual(['0-22', '22-42']);
    expect(base64Runs(`${'.'.repeat(37)}${twenty}`)).toEqual(['37-57']);
  });

  it('agrees with the plain definition on 20,000 random texts', () => {
    const uint32 = xorshift32(20261201);
    const next = () => uint32() / 4294967296;
    const alphabet = 'aZ09+/_-= .\n:"%';
    for (let n = 0; n < 20_000; n++) {
      const dense = next();
      let text = '';
      const length = Math.floor(next() * 160);
      for (let i = 0; i < length; i++) text += next() < dense ? 'aZ09+/_-'[Math.floor(next() * 8)]! : alphabet[Math.floor(next() * alphabet.length)]!;
      expect(base64Runs(text), JSON.stringify(text)).toEqual(referenceBase64Runs(text));
    }
  });

  it('finds percent-encoded runs around %XX escapes, and nothing around a bare %', () => {
    expect(percentRuns('see https://x.test/cb?token=abc%2Fdef%3D%3Dghi done')).toEqual(['token=abc%2Fdef%3D%3Dghi']);
    expect(percentRuns('progress 100% and 50%zz of the work, nothing encoded here')).toEqual([]);
    // At most 200 URL characters before the first escape, and 40 after each.
    const before = 'a'.repeat(250);
    expect(percentRuns(`${before}%41${'b'.repeat(50)}`)).toEqual([`${'a'.repeat(200)}%41${'b'.repeat(40)}`]);
  });
});
