import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KeywardError, describeFsError } from '../errors.js';

export interface LeakReportItem {
  token: string;
  type: string;
  url: string;
  source: string;
}

export interface ReportingKey {
  privateKey: KeyObject;
  identifier: string;
}

/** An ECDSA P-256 private key (PEM); its identifier defaults to the SHA-256 of its public key (DER, hex). */
export function loadReportingKey(path: string, identifier?: string): ReportingKey {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeywardError(`--report-key ${path}: ${describeFsError(error)}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new KeywardError(`--report-key ${path}: not a PEM private key (${(error as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new KeywardError(`--report-key ${path}: must be an ECDSA P-256 key (openssl ecparam -name prime256v1 -genkey -noout)`);
  }
  return { privateKey, identifier: identifier ?? publicKeyIdentifier(createPublicKey(privateKey)) };
}

export function publicKeyIdentifier(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export interface LeakReportAnswer {
  token_hash: string;
  token_type: string;
  label: 'true_positive' | 'false_positive';
}

/** POSTs a GitHub-partner-format report, signed over the exact bytes sent. */
export async function sendLeakReport(url: string, key: ReportingKey, items: LeakReportItem[]): Promise<LeakReportAnswer[]> {
  const body = Buffer.from(JSON.stringify(items));
  const signature = sign('sha256', body, { key: key.privateKey, dsaEncoding: 'der' }).toString('base64');
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'github-public-key-identifier': key.identifier, 'github-public-key-signature': signature },
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new KeywardError(`--report-to ${url}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new KeywardError(`--report-to ${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as LeakReportAnswer[];
}
