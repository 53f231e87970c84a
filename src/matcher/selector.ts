/**
 * The generic scorer's front end: one RE2 pass that says which lines of a chunk are worth reading at all.
 * A generic credential is judged by TypeScript code line by line (src/engine/generic/), which is too
 * costly to run over every byte; this pass hands it only the lines where a credential-like word meets an
 * operator, a URL carries userinfo, or a token has a JWT's shape.
 */
import RE2 from 're2';

export interface LineWindow {
  /** Byte offsets in the chunk: the line (or, in a very long line, a window of it) around a hit. */
  start: number;
  end: number;
}

export interface LineSelector {
  /** Calls `visit` once per selected line, in order. */
  forEachLine(data: Buffer, visit: (window: LineWindow) => void): void;
}

/** Past this a line is minified or generated: only a window around each hit is read. */
export const MAX_LINE = 4096;
const WINDOW_BEFORE = 512;
const WINDOW_AFTER = 1536;

/** One RE2 alternation of `patterns`; throws RE2's message when one is rejected. */
export function compileLineSelector(patterns: readonly string[]): LineSelector {
  const regex = new RE2(patterns.map((pattern) => `(?:${pattern})`).join('|'), 'g');
  return {
    forEachLine(data, visit) {
      regex.lastIndex = 0;
      for (;;) {
        const match = regex.exec(data);
        if (match === null) return;
        const at = match.index;
        // Lines are short: a byte loop costs less than a native indexOf call per end.
        let start = at;
        if (data[at] === 10) start = at + 1;
        else {
          while (start > 0 && data[start - 1] !== 10 && at - start < MAX_LINE) start--;
          if (start > 0 && data[start - 1] !== 10) start = data.lastIndexOf(10, at) + 1;
        }
        let end = at;
        const limit = Math.min(data.length, at + MAX_LINE);
        while (end < limit && data[end] !== 10) end++;
        if (end === limit && end < data.length) {
          end = data.indexOf(10, at);
          if (end === -1) end = data.length;
        }
        if (end - start > MAX_LINE) {
          start = Math.max(start, at - WINDOW_BEFORE);
          end = Math.min(end, at + WINDOW_AFTER);
        }
        visit({ start, end });
        if (end >= data.length) return;
        regex.lastIndex = end + (data[end] === 10 ? 1 : 0);
      }
    },
  };
}
