import { formatBytes } from '../units.js';

export interface Progress {
  update(done: { blobs: number; bytes: number }, total: { blobs: number; final: boolean }): void;
  finish(): void;
}

const REDRAW_MS = 100;

/** Nothing: for pipes, CI logs and --quiet. */
export const NO_PROGRESS: Progress = { update: () => {}, finish: () => {} };

/**
 * One line on stderr, redrawn at most ten times a second: blobs and bytes done, rate, ETA (once the
 * total is known). Only for a terminal; the caller decides.
 */
export function terminalProgress(write: (text: string) => void, label: string, now: () => number = () => performance.now()): Progress {
  const started = now();
  let last = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      const at = now();
      if (at - last < REDRAW_MS) return;
      last = at;
      const seconds = Math.max((at - started) / 1000, 1e-3);
      const rate = done.bytes / seconds;
      const fraction = total.final && total.blobs > 0 ? Math.min(done.blobs / total.blobs, 1) : undefined;
      const eta = fraction !== undefined && fraction > 0 ? (seconds / fraction) * (1 - fraction) : undefined;
      const width = 20;
      const bar = fraction === undefined ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] `;
      const blobs = `${done.blobs.toLocaleString('en-US')}/${total.blobs.toLocaleString('en-US')}${total.final ? '' : '+'} blobs`;
      const etaText = eta === undefined ? '' : `, ETA ${formatSeconds(eta)}`;
      write(`\r\x1b[K${label} ${bar}${blobs}, ${formatBytes(done.bytes)}, ${formatBytes(rate)}/s${etaText}`);
      drawn = true;
    },
    finish() {
      if (drawn) write('\r\x1b[K');
    },
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}
