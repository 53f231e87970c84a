import type { Finding } from '../engine/finding.js';
import { createEngine, engineOptionsOf, scanChunk, type EngineOptions } from '../engine/index.js';
import type { Rule } from '../rules/types.js';
import { readObjects } from '../sources/git/cat-file.js';
import { stagedFiles, touchesAdded } from '../sources/git/staged.js';
import { formatBytes } from './scan-file.js';
import type { ScanSink } from './sink.js';
import { emptyStats, type ScanStats } from './stats.js';

export interface StagedScanOptions extends EngineOptions {
  rules: Rule[];
  maxFileSize: number;
  cwd: string;
}

const BINARY_SNIFF_BYTES = 8000;

/**
 * Scans what `git commit` would record: each staged blob whole (so a key split over context still
 * matches), keeping only findings on lines the commit adds or changes. The working tree is never read,
 * and everything runs on this thread: a commit is a handful of files, and starting workers would cost
 * more than matching them.
 */
export async function scanStaged(options: StagedScanOptions, sink: ScanSink): Promise<ScanStats> {
  const stats = emptyStats();
  const files = await stagedFiles(options.cwd);
  if (files.length === 0) return stats;
  const contents = await readObjects(options.cwd, [...new Set(files.map((file) => file.oid))], options.maxFileSize);
  const engine = createEngine(options.rules, engineOptionsOf(options));
  const findings: Finding[] = [];
  for (const file of files) {
    const content = contents.get(file.oid);
    if (content === undefined || content === 'missing') {
      stats.filesUnreadable++;
      sink.warning(`cannot read the staged content of ${file.path} (object ${file.oid})`);
      continue;
    }
    if (content === 'too-large') {
      stats.filesTooLarge++;
      sink.warning(`skipped ${file.path}: over the ${formatBytes(options.maxFileSize)} limit (--max-file-size)`);
      continue;
    }
    if (content.subarray(0, BINARY_SNIFF_BYTES).indexOf(0) !== -1) {
      stats.filesBinary++;
      continue;
    }
    stats.filesScanned++;
    stats.bytesScanned += content.length;
    for (const finding of scanChunk(engine, content, { path: file.path, blob: file.oid }, stats)) {
      if (!touchesAdded(file.added, finding.line, finding.endLine)) continue;
      findings.push(finding);
    }
  }
  stats.findings = findings.length;
  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column));
  for (const finding of findings) sink.finding(finding);
  return stats;
}
