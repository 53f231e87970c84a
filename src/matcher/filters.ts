/**
 * RE2 for everything that is not a rule pattern: allowlist regexes (on a secret, a line or a path) and the
 * search for encoded segments worth decoding. Kept beside the matcher so that `src/matcher/` stays the only
 * place that imports `re2`; callers see plain predicates and offsets.
 */
import RE2 from 're2';

export interface FilterRegex {
  readonly source: string;
  test(text: string): boolean;
}

/** Compiles `pattern` with RE2 (linear time on any input); throws RE2's message when it is rejected. */
export function compileFilterRegex(pattern: string): FilterRegex {
  const regex = new RE2(pattern, 'u');
  return {
    source: pattern,
    test: (text) => {
      regex.lastIndex = 0;
      return regex.test(text);
    },
  };
}

/** Why RE2 rejects `pattern`, or undefined when it compiles. */
export function re2Rejection(pattern: string): string | undefined {
  try {
    new RE2(pattern, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Number of capture groups in an RE2 pattern (0 when it does not compile). */
export function captureGroupCount(pattern: string): number {
  try {
    const probe = new RE2(`(?:${pattern})|`).exec('');
    return probe === null ? 0 : probe.length - 1;
  } catch {
    return 0;
  }
}

export type SegmentKind = 'base64' | 'percent';

export interface EncodedSegment {
  kind: SegmentKind;
  /** Byte offsets in the searched buffer. */
  start: number;
  end: number;
}

function holdsDigit(data: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (BASE64_BYTE[data[i]!] === 2) return true;
  return false;
}

/** The characters of a URL-ish run around %XX escapes, and the hex digits of an escape. */
const URL_BYTE = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+=/-') URL_BYTE[char.charCodeAt(0)] = 1;
const HEX_BYTE = new Uint8Array(256);
for (const char of '0123456789abcdefABCDEF') HEX_BYTE[char.charCodeAt(0)] = 1;
/** Shortest base64 or hex run worth decoding: 15 bytes encoded. */
const MIN_BASE64_RUN = 20;

/** The base64 alphabets (standard and url-safe), which also cover hex: 1 for a letter or sign, 2 for a digit. */
const BASE64_BYTE = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/_-') BASE64_BYTE[char.charCodeAt(0)] = 1;
for (const char of '0123456789') BASE64_BYTE[char.charCodeAt(0)] = 2;

/**
 * Calls `visit` for each encoded-looking segment in `data`, in order, until it returns false. A base64 run
 * longer than `maxSegment` comes in `maxSegment` pieces (a multiple of 4, so pieces stay aligned on base64
 * quanta): one huge line never becomes one huge decode.
 *
 * Base64 runs are found by a byte-table loop rather than RE2: ordinary code is full of 20-character runs
 * (long identifiers, paths), and handing each to JavaScript as a match object cost more than the search. A
 * run without a digit is skipped here: identifiers rarely hold one, encoded text almost always does (a
 * 44-character base64 string without one: under 0.1%).
 *
 * The loop reads a fraction of the bytes: a run worth decoding is at least MIN_BASE64_RUN long, so it
 * probes the byte MIN_BASE64_RUN - 1 ahead; a byte outside the alphabet there rules out every run through
 * the bytes before it, which are never read. Only around a probe that lands inside a run does it walk to
 * the run's two ends. On source code this reads about one byte in three.
 */
export function forEachEncodedSegment(data: Buffer, maxSegment: number, visit: (segment: EncodedSegment) => boolean): void {
  if (data.length < MIN_BASE64_RUN) return;
  const piece = Math.max(4, maxSegment - (maxSegment % 4));
  const length = data.length;
  const table = BASE64_BYTE;
  // Invariant: `next` is 0 or follows a byte outside the alphabet, so no run starts before it.
  let next = 0;
  while (next + MIN_BASE64_RUN <= length) {
    const probe = next + MIN_BASE64_RUN - 1;
    if (table[data[probe]!] === 0) {
      next = probe + 1;
      continue;
    }
    let start = probe;
    while (start > next && table[data[start - 1]!] !== 0) start--;
    let runEnd = probe + 1;
    while (runEnd < length && table[data[runEnd]!] !== 0) runEnd++;
    let end = runEnd;
    while (end < length && end - runEnd < 2 && data[end] === 0x3d) end++;
    // Past a run's end is a byte outside the alphabet; past its padding, the padding is one.
    next = end === runEnd ? end + 1 : end;
    if (runEnd - start < MIN_BASE64_RUN || !holdsDigit(data, start, runEnd)) continue;
    for (let at = start; at < end; at += piece) {
      if (!visit({ kind: 'base64', start: at, end: Math.min(end, at + piece) })) return;
    }
  }
  forEachPercentRun(data, (start, end) => end - start < 12 || visit({ kind: 'percent', start, end }));
}

/**
 * URL-ish runs holding %XX escapes: up to 200 URL characters before the first escape, then escapes each
 * followed by up to 40 URL characters, 20 escapes at most. Found from each `%` by indexOf rather than by a
 * regex, whose leading repeat would make it a second pass over every byte of any file holding a `%`.
 */
function forEachPercentRun(data: Buffer, visit: (start: number, end: number) => boolean): void {
  const length = data.length;
  let from = 0;
  for (;;) {
    const percent = data.indexOf(0x25, from);
    if (percent === -1) return;
    if (!isEscape(data, percent)) {
      from = percent + 1;
      continue;
    }
    let start = percent;
    while (start > from && percent - start < 200 && URL_BYTE[data[start - 1]!] === 1) start--;
    let end = percent;
    for (let escapes = 0; escapes < 20 && isEscape(data, end); escapes++) {
      end += 3;
      const limit = Math.min(length, end + 40);
      while (end < limit && URL_BYTE[data[end]!] === 1) end++;
    }
    if (!visit(start, end)) return;
    from = end;
  }
}

function isEscape(data: Buffer, at: number): boolean {
  return data[at] === 0x25 && at + 2 < data.length && HEX_BYTE[data[at + 1]!] === 1 && HEX_BYTE[data[at + 2]!] === 1;
}
