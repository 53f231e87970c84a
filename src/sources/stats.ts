import { emptyDropped, type DropReason } from '../engine/detect.js';

/**
 * Counters every scan keeps; they add up across workers and appear in JSON output. Sources count what they
 * skip (symlinks, ignored paths, FIFOs, oversized blobs); the reader and the engine count the rest.
 */
export interface ScanStats {
  filesScanned: number;
  bytesScanned: number;
  filesBinary: number;
  filesTooLarge: number;
  filesUnreadable: number;
  symlinksSkipped: number;
  pathsIgnored: number;
  /** FIFOs, sockets and devices met in a tree walk (or named, for FIFOs): never opened, so never a hang. */
  fifosSkipped: number;
  blobsScanned: number;
  /** Archives (and compressed files) opened, and those left shut by --no-archives. */
  archivesOpened: number;
  archivesSkipped: number;
  findings: number;
  dropped: Record<DropReason, number>;
  droppedByRule: Record<string, Partial<Record<DropReason, number>>>;
  /** --explain: one line per generic candidate (redacted). */
  explained?: string[];
}

export function emptyStats(): ScanStats {
  return {
    filesScanned: 0,
    bytesScanned: 0,
    filesBinary: 0,
    filesTooLarge: 0,
    filesUnreadable: 0,
    symlinksSkipped: 0,
    pathsIgnored: 0,
    fifosSkipped: 0,
    blobsScanned: 0,
    archivesOpened: 0,
    archivesSkipped: 0,
    findings: 0,
    dropped: emptyDropped(),
    droppedByRule: {},
  };
}

export function addStats(into: ScanStats, from: ScanStats): void {
  for (const key of Object.keys(from) as (keyof ScanStats)[]) {
    if (key === 'dropped') {
      for (const reason of Object.keys(from.dropped) as DropReason[]) into.dropped[reason] = (into.dropped[reason] ?? 0) + from.dropped[reason];
    } else if (key === 'explained') {
      if (from.explained !== undefined && from.explained.length > 0) (into.explained ??= []).push(...from.explained);
    } else if (key === 'droppedByRule') {
      for (const [ruleId, reasons] of Object.entries(from.droppedByRule)) {
        const target = (into.droppedByRule[ruleId] ??= {});
        for (const [reason, count] of Object.entries(reasons) as [DropReason, number][]) target[reason] = (target[reason] ?? 0) + count;
      }
    } else {
      into[key] = ((into[key] as number | undefined) ?? 0) + ((from[key] as number | undefined) ?? 0);
    }
  }
}

/** Nothing was read, yet something was skipped: the scan looked at nothing the user gave it. */
export function nothingScanned(stats: ScanStats): boolean {
  const read = stats.filesScanned + stats.blobsScanned + stats.filesBinary;
  const skipped = stats.filesTooLarge + stats.filesUnreadable + stats.symlinksSkipped + stats.pathsIgnored + stats.fifosSkipped;
  return read === 0 && skipped > 0;
}
