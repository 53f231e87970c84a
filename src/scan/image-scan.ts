/**
 * `keyward scan --image` on the current driver: every file of every layer is matched on the calling thread,
 * archives among them opened like archives in a tree. Reading images lives in src/sources/image.
 */
import { createEngine, engineOptionsOf, type EngineOptions } from '../engine/index.js';
import type { Finding } from '../engine/finding.js';
import { KeywardError } from '../errors.js';
import type { Rule } from '../rules/types.js';
import { detectFormat, HEAD_BYTES } from '../sources/archive/detect.js';
import { ImageFormatError, imageMembers } from '../sources/image/index.js';
import { scanArchive, scanMember, type ArchiveOptions } from './archive-scan.js';
import type { ScanSink } from './sink.js';
import { emptyStats, type ScanStats } from './stats.js';

export interface ImageScanOptions extends EngineOptions {
  rules: Rule[];
  maxFileSize: number;
  archives: ArchiveOptions;
}

export async function scanImage(target: string, label: string, options: ImageScanOptions, sink: ScanSink): Promise<ScanStats> {
  const stats = emptyStats();
  const engine = createEngine(options.rules, engineOptionsOf(options));
  const warn = (message: string) => sink.warning(message);
  const findings: Finding[] = [];
  try {
    for await (const member of imageMembers(target, label, { maxMemberBytes: options.maxFileSize, warn })) {
      const origin = { layer: member.layer };
      const nested = detectFormat(member.data.subarray(0, HEAD_BYTES)) === undefined ? undefined : await scanArchive(engine, { data: member.data }, member.path, options.archives, stats, warn, origin);
      findings.push(...(nested ?? scanMember(engine, member.data, { ...origin, path: member.path }, stats)));
    }
  } catch (error) {
    if (error instanceof ImageFormatError) throw new KeywardError(error.message, { hint: 'give --image a `docker save` tarball or an OCI image layout (a directory or a tar)' });
    throw error;
  }
  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column));
  for (const finding of findings) sink.finding(finding);
  return stats;
}
