import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { KeywardError, describeFsError } from '../errors.js';
import { escapeLines } from '../report/escape.js';

export interface CliIo {
  stdout: (text: string) => void;
  /** Messages for people: control characters in them are escaped (they may quote paths and commit subjects). */
  stderr: (text: string) => void;
  /** Our own terminal drawing (the progress line): written as it is. */
  stderrRaw?: (text: string) => void;
  /** Colour only on a terminal, and never when NO_COLOR is set. */
  color: boolean;
  stderrIsTty: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(escapeLines(text)),
    stderrRaw: (text) => void process.stderr.write(text),
    color: Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb',
    stderrIsTty: Boolean(process.stderr.isTTY),
  };
}

/** Writes a report to `--output FILE` or stdout. */
export function emit(io: CliIo, text: string, output: string | undefined): void {
  if (output === undefined || output === '-') {
    io.stdout(text);
    return;
  }
  try {
    writeFileSync(output, text, { mode: 0o600 });
  } catch (error) {
    throw new KeywardError(`cannot write ${output}: ${describeFsError(error)}`);
  }
}

/**
 * Where a report goes as it is written (a streaming report writes many times): stdout, or `--output FILE`,
 * created on the first write, readable by its owner only.
 */
export function outputWriter(io: CliIo, output: string | undefined): { write(text: string): void; close(): void } {
  if (output === undefined || output === '-') return { write: io.stdout, close: () => {} };
  let fd: number | undefined;
  return {
    write(text) {
      try {
        fd ??= openSync(output, 'w', 0o600);
        writeSync(fd, text);
      } catch (error) {
        throw new KeywardError(`cannot write ${output}: ${describeFsError(error)}`);
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** `10MB`, `512k`, `1048576` → bytes. */
export function parseSize(text: string | number, flag: string): number {
  if (typeof text === 'number' && Number.isFinite(text) && text >= 0) return Math.floor(text);
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(String(text));
  if (match === null) throw new KeywardError(`${flag}: '${text}' is not a size (try 10MB, 512KB or a number of bytes)`);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(match[1]) * scale);
}
