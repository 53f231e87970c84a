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

/** A URL-ish run holding at least one %XX escape. */
const PERCENT_RUN = new RE2('[A-Za-z0-9._~+=/-]{0,200}(?:%[0-9A-Fa-f]{2}[A-Za-z0-9._~+=/-]{0,40}){1,20}', 'g');
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
 */
export function forEachEncodedSegment(data: Buffer, maxSegment: number, visit: (segment: EncodedSegment) => boolean): void {
  if (data.length < MIN_BASE64_RUN) return;
  const piece = Math.max(4, maxSegment - (maxSegment % 4));
  const length = data.length;
  const table = BASE64_BYTE;
  let i = 0;
  while (i < length) {
    while (i < length && table[data[i]!] === 0) i++;
    const start = i;
    let kinds = 0;
    for (let kind; i < length && (kind = table[data[i]!]!) !== 0; i++) kinds |= kind;
    const runEnd = i;
    let end = runEnd;
    while (end < length && end - runEnd < 2 && data[end] === 0x3d) end++;
    i = end;
    if (runEnd - start < MIN_BASE64_RUN || (kinds & 2) === 0) continue;
    for (let at = start; at < end; at += piece) {
      if (!visit({ kind: 'base64', start: at, end: Math.min(end, at + piece) })) return;
    }
  }
  if (data.indexOf(0x25) === -1) return;
  PERCENT_RUN.lastIndex = 0;
  for (;;) {
    const match = PERCENT_RUN.exec(data);
    if (match === null) break;
    const start = match.index;
    const end = start + (match[0] as unknown as Buffer).length;
    if (end - start >= 12 && !visit({ kind: 'percent', start, end })) return;
  }
}
