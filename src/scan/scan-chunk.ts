/** One chunk to findings, the same on a worker and on the main thread: the reader, then the engine. */
import { credentialFileFinding, CREDENTIAL_FILE_HEAD_BYTES, detectCredentialFile } from '../engine/file-rules.js';
import { scanChunk, type Engine } from '../engine/index.js';
import { chunkAllowlisted } from '../engine/noise.js';
import type { Finding } from '../engine/finding.js';
import { bytesToText, readFileChunk, type ReadPolicy, type TextWindow } from '../sources/read.js';
import type { ScanStats } from '../sources/stats.js';
import type { BytesChunk, FileChunk } from '../sources/types.js';

export function scanFileChunk(engine: Engine, chunk: FileChunk, policy: ReadPolicy, stats: ScanStats, warn: (message: string) => void): Finding[] {
  const findings: Finding[] = [];
  const chunkDrops = { 'path-allowlist': stats.dropped['path-allowlist'], 'decode-budget': stats.dropped['decode-budget'] };
  readFileChunk(
    chunk,
    policy,
    stats,
    warn,
    (window) => {
      for (const finding of scanChunk(engine, window.data, chunk.origin, stats)) {
        if (window.handOff !== undefined && !startsBefore(finding, window.handOff)) continue;
        findings.push(inFile(finding, window));
      }
    },
    (bytes) => {
      const finding = binaryCredential(engine, bytes, chunk.origin);
      if (finding !== undefined) findings.push(finding);
    },
  );
  // These count files, not windows: a file read in ten windows hit the decode budget once.
  for (const reason of ['path-allowlist', 'decode-budget'] as const) stats.dropped[reason] = Math.min(stats.dropped[reason], chunkDrops[reason] + 1);
  stats.findings += findings.length;
  return findings;
}

export function scanBytesChunk(engine: Engine, chunk: BytesChunk, unit: 'files' | 'blobs', stats: ScanStats): Finding[] {
  const text = bytesToText(chunk.data);
  if (text === undefined) {
    stats.filesBinary++;
    const finding = binaryCredential(engine, chunk.data, chunk.origin);
    if (finding === undefined) return [];
    stats.findings++;
    return [finding];
  }
  if (unit === 'blobs') stats.blobsScanned++;
  else stats.filesScanned++;
  stats.bytesScanned += chunk.data.length;
  const findings = scanChunk(engine, text, chunk.origin, stats);
  stats.findings += findings.length;
  return findings;
}

/** A PKCS#12 or Java keystore is a credential by what it is (name and magic bytes), not by any text in it. */
function binaryCredential(engine: Engine, bytes: Buffer, origin: BytesChunk['origin']): Finding | undefined {
  const detection = detectCredentialFile(origin.path, bytes.subarray(0, CREDENTIAL_FILE_HEAD_BYTES));
  if (detection === undefined || chunkAllowlisted(engine.noise, origin)) return undefined;
  return credentialFileFinding(detection, bytes, origin);
}

function startsBefore(finding: Finding, position: { line: number; column: number }): boolean {
  return finding.line < position.line || (finding.line === position.line && finding.column < position.column);
}

/** A finding on a window, placed in the whole file. */
function inFile(finding: Finding, window: TextWindow): Finding {
  if (window.lineOffset === 0 && window.columnOffset === 0) return finding;
  return {
    ...finding,
    line: finding.line + window.lineOffset,
    column: finding.line === 1 ? finding.column + window.columnOffset : finding.column,
    endLine: finding.endLine + window.lineOffset,
    endColumn: finding.endLine === 1 ? finding.endColumn + window.columnOffset : finding.endColumn,
  };
}
