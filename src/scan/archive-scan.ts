/**
 * Archives and images on the current worktree driver: members are matched on the calling thread, one at a
 * time, with the same binary sniff as files. Format reading lives in src/sources/archive and
 * src/sources/image; this file only connects their members to the engine.
 */
import { scanChunk, type Engine } from '../engine/index.js';
import type { Finding, Origin } from '../engine/finding.js';
import { hasArchiveExtension } from '../sources/archive/detect.js';
import { expandArchive } from '../sources/archive/expand.js';
import { DEFAULT_ARCHIVE_LIMITS, ScanBudget, type ArchiveLimits } from '../sources/archive/limits.js';
import { formatOf, type ArchiveInput } from '../sources/archive/read.js';
import type { ScanStats } from './stats.js';

export interface ArchiveOptions {
  /** --no-archives: archives are counted, not opened. */
  enabled: boolean;
  limits: ArchiveLimits;
  budget: ScanBudget;
}

export function archiveOptions(enabled: boolean, depth: number | undefined, maxFileSize: number): ArchiveOptions {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxMemberBytes: maxFileSize, ...(depth === undefined ? {} : { maxDepth: depth }) };
  return { enabled: enabled && limits.maxDepth > 0, limits, budget: new ScanBudget(limits.maxScanBytes) };
}

/** Cheap: a name worth opening for its magic bytes. */
export const mayBeArchive = hasArchiveExtension;

const BINARY_SNIFF_BYTES = 8000;

/** Matches one member like a file: binary members (NUL in the first 8000 bytes) are counted, not matched. */
export function scanMember(engine: Engine, data: Buffer, origin: Origin, stats: ScanStats): Finding[] {
  if (data.subarray(0, BINARY_SNIFF_BYTES).indexOf(0) !== -1) {
    stats.filesBinary++;
    return [];
  }
  stats.filesScanned++;
  stats.bytesScanned += data.length;
  const findings = scanChunk(engine, data, origin, stats);
  stats.findings += findings.length;
  return findings;
}

/**
 * The findings in the archive at `input`, or undefined when it is no archive (the caller scans it as a
 * file). Limits and damage are warnings; nothing here throws for a bad archive.
 */
export async function scanArchive(
  engine: Engine,
  input: ArchiveInput,
  path: string,
  options: ArchiveOptions,
  stats: ScanStats,
  warn: (message: string) => void,
  extra: Omit<Origin, 'path'> = {},
): Promise<Finding[] | undefined> {
  // An unreadable file is no archive here: the file reader reports it as unreadable, once.
  if ((await formatOf(input).catch(() => undefined)) === undefined) return undefined;
  if (!options.enabled) {
    stats.archivesSkipped++;
    return [];
  }
  const findings: Finding[] = [];
  const members = expandArchive(input, path, { limits: options.limits, budget: options.budget, warn });
  let next = await members.next();
  while (!next.done) {
    findings.push(...scanMember(engine, next.value.data, { ...extra, path: next.value.path }, stats));
    next = await members.next();
  }
  if (!next.value) return undefined;
  stats.archivesOpened++;
  return findings;
}
