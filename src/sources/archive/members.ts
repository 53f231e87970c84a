import type { ArchiveLimits, ArchiveMeter } from './limits.js';

/** One file inside an archive, read whole (members never exceed `maxMemberBytes`). */
export interface ArchiveMember {
  /** The member's path inside its archive, POSIX, without a leading `./` or `/`. */
  name: string;
  data: Buffer;
}

/** What a format reader needs: where it is (for warnings), the limits, and the meter it charges. */
export interface ReadContext {
  /** The archive's full provenance, `release.zip!bundle/config.tar.gz`. */
  where: string;
  limits: ArchiveLimits;
  meter: ArchiveMeter;
  warn(message: string): void;
  /** Called instead of a warning for a member over `maxMemberBytes` (an image counts them; an archive warns). */
  tooLarge?(where: string): void;
}

/** The input could not be read as the format its magic bytes promised. */
export class CorruptArchive extends Error {
  constructor(where: string, format: string, cause: unknown) {
    super(`cannot read ${where} as ${format}: ${cause instanceof Error ? cause.message : String(cause)}; members after that point were not scanned`);
    this.name = 'CorruptArchive';
  }
}

export function memberName(raw: string): string {
  return raw.replace(/\\/g, '/').replace(/^(?:\.\/|\/)+/, '');
}

export function tooLargeWarning(where: string, limit: number): string {
  return `skipped ${where}: larger than ${formatLimit(limit)} once decompressed (--max-file-size)`;
}

export function reportTooLarge(context: ReadContext, where: string): void {
  if (context.tooLarge !== undefined) context.tooLarge(where);
  else context.warn(tooLargeWarning(where, context.limits.maxMemberBytes));
}

function formatLimit(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
