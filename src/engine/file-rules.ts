/**
 * Binary credential files, recognised by name and magic bytes: PKCS#12 keystores (.p12, .pfx) and Java
 * keystores (JKS, JCEKS). Rule patterns cannot see them (the source layer skips a file holding NUL bytes),
 * and there is no secret text to point at: the whole file is the credential, so it is reported as a file
 * finding at line 1. `detectCredentialFile` is pure (path and the first bytes in, a detection out); the
 * source layer calls it where it would otherwise skip a binary file.
 */
import type { RuleMeta, Severity } from '../rules/types.js';
import { fingerprintOf, sha256Hex, UNVERIFIED, type Finding, type Origin } from './finding.js';

/** How many leading bytes `detectCredentialFile` looks at; fewer are fine, the checks just see less. */
export const CREDENTIAL_FILE_HEAD_BYTES = 16;

export type CredentialFileKind = 'pkcs12' | 'jks' | 'jceks';

export interface FileDetection {
  ruleId: string;
  kind: CredentialFileKind;
  /** What in the file decided it, for a report or --explain. */
  evidence: string;
}

/** The rules behind file detections, for reports that list every rule that can appear (SARIF). */
export const CREDENTIAL_FILE_RULES: readonly RuleMeta[] = [
  {
    id: 'pkcs12-keystore-file',
    name: 'PKCS#12 keystore file (.p12, .pfx)',
    description:
      'A PKCS#12 file: a private key with its certificate chain, protected by a password that is often empty, weak or committed beside it. Whoever has it can act as the certificate\'s subject (TLS server, code signing, client authentication). Revoke the certificate, issue a new key pair, and remove the file from the repository and its history.',
    severity: 'high',
    precision: 'high',
    tags: ['credential-file', 'private-key', 'binary'],
    references: ['https://datatracker.ietf.org/doc/html/rfc7292'],
  },
  {
    id: 'java-keystore-file',
    name: 'Java keystore file (JKS, JCEKS)',
    description:
      "A Java keystore (JKS or JCEKS): private keys and certificates behind a store password that is often a default such as changeit. Whoever has it can use its keys once the password falls. Revoke the certificates of its private key entries, issue new ones, and remove the file from the repository and its history.",
    severity: 'high',
    precision: 'very-high',
    tags: ['credential-file', 'private-key', 'binary'],
    references: ['https://docs.oracle.com/en/java/javase/21/docs/specs/man/keytool.html'],
  },
];

const PKCS12_NAME = /\.(?:p12|pfx|pkcs12)$/i;
/** Java 9+ writes PKCS#12 by default, under the names Java keystores have always had. */
const KEYSTORE_NAME = /(?:\.(?:jks|keystore|ks|bks|bcfks|truststore)|(?:^|\/)cacerts)$/i;

/**
 * A credential file detection for `path` with these first bytes, or undefined. JKS (FE ED FE ED) and JCEKS
 * (CE CE CE CE) magic numbers are specific enough alone. PKCS#12 has no magic number of its own: its DER
 * encoding begins with a SEQUENCE whose first element is the version INTEGER 3 (RFC 7292, PFX), which
 * many DER structures nearly share, so it also needs a keystore's file name.
 */
export function detectCredentialFile(path: string, head: Uint8Array): FileDetection | undefined {
  if (startsWith(head, [0xfe, 0xed, 0xfe, 0xed])) return { ruleId: 'java-keystore-file', kind: 'jks', evidence: 'JKS magic number FEEDFEED' };
  if (startsWith(head, [0xce, 0xce, 0xce, 0xce])) return { ruleId: 'java-keystore-file', kind: 'jceks', evidence: 'JCEKS magic number CECECECE' };
  if ((PKCS12_NAME.test(path) || KEYSTORE_NAME.test(path)) && isPfxHeader(head)) {
    return { ruleId: 'pkcs12-keystore-file', kind: 'pkcs12', evidence: 'DER SEQUENCE starting with version 3 (PKCS#12 PFX)' };
  }
  return undefined;
}

function startsWith(head: Uint8Array, magic: number[]): boolean {
  return head.length >= magic.length && magic.every((byte, i) => head[i] === byte);
}

/** `30 <length> 02 01 03`: SEQUENCE (definite or indefinite length), then INTEGER 3. */
function isPfxHeader(head: Uint8Array): boolean {
  if (head.length < 5 || head[0] !== 0x30) return false;
  const first = head[1]!;
  // Short form (< 0x80), indefinite (0x80, BER) or long form with 1-4 length bytes.
  const lengthBytes = first < 0x80 ? 1 : first === 0x80 ? 1 : first <= 0x84 ? 1 + (first & 0x7f) : -1;
  if (lengthBytes < 0) return false;
  const at = 1 + lengthBytes;
  return head[at] === 0x02 && head[at + 1] === 0x01 && head[at + 2] === 0x03;
}

/**
 * A file detection as a finding: at line 1 of the file, its secret a label (there is no text to redact),
 * its SHA-256 the file's, so the same keystore committed twice is one secret.
 */
export function credentialFileFinding(detection: FileDetection, content: Uint8Array, origin: Origin): Finding {
  const rule = CREDENTIAL_FILE_RULES.find((meta) => meta.id === detection.ruleId)!;
  const secretSha256 = sha256Hex(Buffer.from(content.buffer, content.byteOffset, content.byteLength));
  const severity: Severity = rule.severity;
  return {
    ruleId: rule.id,
    name: rule.name,
    severity,
    path: origin.path,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    secret: `(${detection.kind} file)`,
    secretSha256,
    // A keystore is encrypted binary: its hash is no dictionary's.
    secretHashAlgorithm: 'sha256',
    fingerprint: fingerprintOf(rule.id, secretSha256, origin.path),
    verification: UNVERIFIED,
    ...(origin.commit === undefined ? {} : { commit: origin.commit }),
    ...(origin.blob === undefined ? {} : { blob: origin.blob }),
  };
}
