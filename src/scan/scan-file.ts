import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { describeFsError } from '../errors.js';
import { scanChunk, type Engine } from '../engine/index.js';
import type { Finding } from '../engine/finding.js';
import type { ScanStats } from './stats.js';

export interface FileToScan {
  absolutePath: string;
  path: string;
}

export interface FileScanOptions {
  maxFileSize: number;
  /** The user named this file: skipping it deserves a warning, not just a count. */
  explicit?: boolean;
}

/** Bytes git looks at to call a file binary; a NUL among them means binary. */
const BINARY_SNIFF_BYTES = 8000;
const REUSABLE_BUFFER_BYTES = 1 << 20;
let reusable: Buffer | undefined;

/**
 * Reads one file and scans it. Small files are read into one reused buffer (most files are small, and
 * allocation dominates their cost); findings copy what they keep out of it.
 */
export function scanFile(
  engine: Engine,
  file: FileToScan,
  options: FileScanOptions,
  stats: ScanStats,
  warn: (message: string) => void,
): Finding[] {
  let fd: number;
  try {
    fd = openSync(file.absolutePath, 'r');
  } catch (error) {
    stats.filesUnreadable++;
    warn(`cannot read ${file.path}: ${describeFsError(error)}`);
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    if (size > options.maxFileSize) {
      stats.filesTooLarge++;
      warn(`skipped ${file.path}: ${formatBytes(size)} is over the ${formatBytes(options.maxFileSize)} limit (--max-file-size)`);
      return [];
    }
    const buffer = size <= REUSABLE_BUFFER_BYTES ? (reusable ??= Buffer.allocUnsafe(REUSABLE_BUFFER_BYTES)) : Buffer.allocUnsafe(size);
    let length = 0;
    while (length < size) {
      const read = readSync(fd, buffer, length, size - length, null);
      if (read === 0) break;
      length += read;
    }
    const data = buffer.subarray(0, length);
    if (data.subarray(0, BINARY_SNIFF_BYTES).indexOf(0) !== -1) {
      stats.filesBinary++;
      if (options.explicit) warn(`skipped ${file.path}: binary file (it holds NUL bytes)`);
      return [];
    }
    stats.filesScanned++;
    stats.bytesScanned += length;
    const findings = scanChunk(engine, data, { path: file.path }, stats);
    stats.findings += findings.length;
    return findings;
  } catch (error) {
    stats.filesUnreadable++;
    warn(`cannot read ${file.path}: ${describeFsError(error)}`);
    return [];
  } finally {
    closeSync(fd);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
