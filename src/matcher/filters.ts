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

/**
 * Runs of the base64 (standard and url-safe) alphabet, which also covers hex. The repeat is bounded so
 * that one huge run (a 20 MB base64 file on one line) comes back in 1000-byte pieces, never as one huge
 * match; the caller joins adjacent pieces up to its own limit. 1000 is a multiple of 4, so joined pieces
 * stay aligned on base64 quanta.
 */
const BASE64_RUN = new RE2('[A-Za-z0-9+/_-]{20,1000}={0,2}', 'g');
/** A URL-ish run holding at least one %XX escape. */
const PERCENT_RUN = new RE2('[A-Za-z0-9._~+=/-]{0,200}(?:%[0-9A-Fa-f]{2}[A-Za-z0-9._~+=/-]{0,40}){1,20}', 'g');
export const BASE64_PIECE = 1000;

/**
 * Calls `visit` for each encoded-looking segment in `data`, in order, until it returns false. Adjacent
 * base64 pieces are joined while the segment stays under `maxSegment` bytes.
 */
export function forEachEncodedSegment(data: Buffer, maxSegment: number, visit: (segment: EncodedSegment) => boolean): void {
  if (data.length < 20) return;
  let open: EncodedSegment | undefined;
  BASE64_RUN.lastIndex = 0;
  for (;;) {
    const match = BASE64_RUN.exec(data);
    if (match === null) break;
    const start = match.index;
    const end = start + (match[0] as unknown as Buffer).length;
    if (open !== undefined && open.end === start && end - open.start <= maxSegment && data[open.end - 1] !== 0x3d) {
      open.end = end;
      continue;
    }
    if (open !== undefined && !visit(open)) return;
    open = { kind: 'base64', start, end };
  }
  if (open !== undefined && !visit(open)) return;
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
