/**
 * Hard limits on what an archive may cost. Declared sizes are never trusted: every byte is counted as it is
 * inflated, and a limit stops the inflating there. Each limit that is hit becomes one warning naming the
 * archive (and member) and what was not read.
 */
export interface ArchiveLimits {
  /** Containers inside containers are opened this deep; 1 opens only the archives found by the source. */
  maxDepth: number;
  /** Decompressed bytes one archive (with everything nested in it) may produce. */
  maxArchiveBytes: number;
  /** Decompressed bytes all archives of one scan may produce together. */
  maxScanBytes: number;
  /** A member (or a gzip/bzip2 stream) that inflates more than this many times its compressed size is cut. */
  maxRatio: number;
  /** The ratio is judged only past this many decompressed bytes: small files that compress well are harmless. */
  ratioGraceBytes: number;
  /** Entries read from one archive; the rest are skipped. */
  maxEntries: number;
  /** A member larger than this is skipped (it would be skipped as a file too: --max-file-size). */
  maxMemberBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxDepth: 2,
  maxArchiveBytes: 256 * 1024 * 1024,
  maxScanBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
  ratioGraceBytes: 1024 * 1024,
  maxEntries: 50_000,
  maxMemberBytes: 10 * 1024 * 1024,
};

/** A limit stopped the reading; `scope` says how much was given up. */
export class LimitHit extends Error {
  readonly scope: 'member' | 'archive' | 'scan';
  constructor(scope: 'member' | 'archive' | 'scan', message: string) {
    super(message);
    this.name = 'LimitHit';
    this.scope = scope;
  }
}

/** Decompressed bytes left for the whole scan; one per scan, shared by every archive in it. */
export class ScanBudget {
  used = 0;
  spentWarned = false;
  constructor(readonly limit: number) {}
}

/**
 * Counts the bytes one top-level archive produces (nested archives add to their outermost archive's meter)
 * and charges them to the scan's budget.
 */
export class ArchiveMeter {
  used = 0;
  constructor(
    readonly name: string,
    readonly limits: ArchiveLimits,
    readonly scan: ScanBudget,
  ) {}

  charge(bytes: number, where: string): void {
    this.used += bytes;
    this.scan.used += bytes;
    if (this.scan.used > this.scan.limit) {
      throw new LimitHit('scan', `stopped reading ${where}: archives in this scan decompressed to more than ${formatSize(this.scan.limit)} (the limit for one scan); the rest was not scanned`);
    }
    if (this.used > this.limits.maxArchiveBytes) {
      throw new LimitHit('archive', `stopped reading ${this.name} at ${where}: it decompressed to more than ${formatSize(this.limits.maxArchiveBytes)} (the limit for one archive); the rest was not scanned`);
    }
  }
}

/** Watches one compressed stream: its decompressed size against its compressed size. */
export function checkRatio(limits: ArchiveLimits, out: number, consumed: number, where: string): void {
  if (out <= limits.ratioGraceBytes) return;
  if (out > limits.maxRatio * Math.max(consumed, 1)) {
    throw new LimitHit(
      'member',
      `stopped reading ${where}: it inflates more than ${limits.maxRatio} times its compressed size (${formatSize(out)} from ${formatSize(consumed)}), like a zip bomb; the rest was not scanned`,
    );
  }
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}
