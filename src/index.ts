/**
 * keyward as a library: the whole scan pipeline (`scan`), or its parts: load rules, scan bytes or text,
 * format reports. The issuer kit is a separate entry point, `keyward/issuer`.
 */
import { createEngine, scanChunk, type Engine } from './engine/index.js';
import type { Finding } from './engine/finding.js';
import { loadRules } from './rules/load.js';
import type { Rule } from './rules/types.js';

export { scan, DEFAULT_MAX_FILE_SIZE, type ScanOptions, type ScanResult, type SourceRequest, type HistorySelection, type VerifyOptions } from './pipeline/index.js';
export { createEngine, scanChunk, type Engine, type EngineOptions } from './engine/index.js';
export type { Appearance, CommitInfo, Finding, IncidentStatus, Introduction, Occurrence, Origin, Verification, VerificationStatus } from './engine/finding.js';
export { fingerprintOf, contentFingerprintOf, redact, sha256Hex } from './engine/finding.js';
export {
  CREDENTIAL_FILE_HEAD_BYTES,
  CREDENTIAL_FILE_RULES,
  credentialFileFinding,
  detectCredentialFile,
  type CredentialFileKind,
  type FileDetection,
} from './engine/file-rules.js';
export { KeywardError, RuleError } from './errors.js';
export { formatReport } from './report/all.js';
export { FORMATS, renderReport, type Format, type Report, type ScanKind } from './report/index.js';
export { toSarif } from './report/sarif.js';
export { checkRules, type RuleCheckResult } from './rules/check.js';
export { DEFAULT_RULES_DIR, loadRules, parseRuleFile } from './rules/load.js';
export type { Rule, RuleMeta, Severity } from './rules/types.js';
export { collectingSink, type ScanSink, type Sink } from './scan/sink.js';
export { Scanner, runSource, type ScannerOptions } from './scan/run.js';
export type { ScanStats } from './sources/stats.js';
export type { BytesChunk, Chunk, ChunkBatch, FileChunk, Source, SourceContext, SourceDefinition } from './sources/types.js';
export type { Expander, ExpanderEntry, ExpandContext } from './sources/expanders.js';
export type { Verifier, VerifyCandidate, VerifyContext } from './verify/types.js';
export { hasValidCrc32Base62, crc32Base62 } from './validators/checksum.js';

let defaultEngine: Engine | undefined;

/** Scans one string or buffer with the built-in rules (or `rules`); secrets are redacted unless asked. */
export function scanText(
  text: string | Buffer,
  options: { rules?: Rule[]; path?: string; revealSecrets?: boolean } = {},
): Finding[] {
  const revealSecrets = options.revealSecrets ?? false;
  const engine =
    options.rules !== undefined || revealSecrets
      ? createEngine(options.rules ?? loadRules(), { revealSecrets })
      : (defaultEngine ??= createEngine(loadRules(), { revealSecrets: false }));
  return scanChunk(engine, Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), { path: options.path ?? '-' });
}
