import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KeywardError, describeFsError } from '../errors.js';

/**
 * The keys that may sign leak reports, in GitHub's shape:
 * `{"public_keys":[{"key_identifier":"…","key":"-----BEGIN PUBLIC KEY-----…","is_current":true}]}`.
 * GitHub publishes its own at https://api.github.com/meta/public_keys/secret_scanning; keyward scanners'
 * keys are listed in a file in the same shape.
 */
export interface PublicKeySource {
  /** The key for `identifier`, refreshing a URL source when it is unknown (GitHub rotates keys). */
  find(identifier: string): Promise<KeyObject | undefined>;
  readonly description: string;
}

export function parsePublicKeys(text: string, where: string): Map<string, KeyObject> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new KeywardError(`${where}: not JSON (${(error as Error).message})`);
  }
  const entries = (document as { public_keys?: unknown } | null)?.public_keys;
  if (!Array.isArray(entries)) throw new KeywardError(`${where}: expected {"public_keys": [...]}`);
  const keys = new Map<string, KeyObject>();
  entries.forEach((entry: unknown, index) => {
    const { key_identifier: id, key } = (entry ?? {}) as { key_identifier?: unknown; key?: unknown };
    if (typeof id !== 'string' || id === '' || typeof key !== 'string') throw new KeywardError(`${where}: public_keys[${index}] needs key_identifier and key`);
    try {
      const object = createPublicKey(key);
      if (object.asymmetricKeyType !== 'ec' || object.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not an ECDSA P-256 key');
      keys.set(id, object);
    } catch (error) {
      throw new KeywardError(`${where}: public_keys[${index}] (${id}): ${(error as Error).message}`);
    }
  });
  return keys;
}

export function publicKeysFromFile(path: string): PublicKeySource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeywardError(`${path}: ${describeFsError(error)}`);
  }
  const keys = parsePublicKeys(text, path);
  return { description: path, find: async (identifier) => keys.get(identifier) };
}

/** Fetched on first use and cached for `ttlMs`; an unknown identifier refetches at most once a minute. */
export function publicKeysFromUrl(url: string, ttlMs = 3600_000): PublicKeySource {
  let cached: { keys: Map<string, KeyObject>; at: number } | undefined;
  let lastMissRefresh = 0;
  const load = async (): Promise<Map<string, KeyObject>> => {
    const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new KeywardError(`${url}: HTTP ${response.status} fetching public keys`);
    const keys = parsePublicKeys(await response.text(), url);
    cached = { keys, at: Date.now() };
    return keys;
  };
  return {
    description: url,
    find: async (identifier) => {
      const now = Date.now();
      let keys = cached !== undefined && now - cached.at < ttlMs ? cached.keys : await load();
      if (!keys.has(identifier) && now - lastMissRefresh > 60_000) {
        lastMissRefresh = now;
        keys = await load();
      }
      return keys.get(identifier);
    },
  };
}

/** ECDSA P-256 / SHA-256 over the raw body; the signature is base64 of its DER encoding. */
export function verifySignature(key: KeyObject, body: Buffer, signatureBase64: string): boolean {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length < 8 || signature.length > 80) return false;
  try {
    return verify('sha256', body, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
