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
  /**
   * The key for `identifier`, refreshing a URL source when it is unknown (GitHub rotates keys). Throws
   * PublicKeysUnavailable when a URL source has never been fetched and is failing.
   */
  find(identifier: string): Promise<KeyObject | undefined>;
  /** Loads the keys now; a URL source that cannot be fetched throws a KeywardError naming it. */
  prefetch(): Promise<void>;
  readonly description: string;
}

/** No keys to check a signature with: the list was never fetched, and fetching it fails (for now). */
export class PublicKeysUnavailable extends Error {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.name = 'PublicKeysUnavailable';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A failing fetch is tried again after 5 s, then 10 s, 20 s … up to 5 minutes, never once per request. */
export const FETCH_BACKOFF_MS = { first: 5_000, max: 300_000 } as const;

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
  return { description: path, find: async (identifier) => keys.get(identifier), prefetch: async () => undefined };
}

/**
 * Fetched on first use (or `prefetch`) and cached for `ttlMs`; an unknown identifier refetches at most once a
 * minute. A failed fetch is remembered with exponential backoff: until the next try, requests use the keys
 * last fetched, or, when there are none, fail fast with PublicKeysUnavailable, so a dead URL is not asked
 * again for every request that comes in.
 */
export function publicKeysFromUrl(url: string, ttlMs = 3600_000, clock: () => number = Date.now): PublicKeySource {
  let cached: { keys: Map<string, KeyObject>; at: number } | undefined;
  let lastMissRefresh = 0;
  let failure: { message: string; retryAt: number; delay: number } | undefined;
  let inflight: Promise<Map<string, KeyObject>> | undefined;
  const fetchKeys = async (): Promise<Map<string, KeyObject>> => {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
      throw new KeywardError(`--public-keys ${url}: cannot fetch the reporter keys (${cause})`);
    }
    if (!response.ok) throw new KeywardError(`--public-keys ${url}: HTTP ${response.status} fetching the reporter keys`);
    return parsePublicKeys(await response.text(), url);
  };
  /** One fetch at a time; a failure sets the backoff, a success clears it. */
  const load = (): Promise<Map<string, KeyObject>> => {
    inflight ??= fetchKeys()
      .then((keys) => {
        cached = { keys, at: clock() };
        failure = undefined;
        return keys;
      })
      .catch((error: unknown) => {
        const delay = failure === undefined ? FETCH_BACKOFF_MS.first : Math.min(FETCH_BACKOFF_MS.max, failure.delay * 2);
        failure = { message: (error as Error).message, retryAt: clock() + delay, delay };
        throw error;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
  /** The keys to use now: fresh ones when a fetch is due and allowed, else what we have. */
  const current = async (forceRefresh: boolean): Promise<Map<string, KeyObject>> => {
    const now = clock();
    const stale = cached === undefined || now - cached.at >= ttlMs || forceRefresh;
    if (!stale) return cached!.keys;
    if (failure !== undefined && now < failure.retryAt) {
      if (cached !== undefined) return cached.keys;
      throw new PublicKeysUnavailable(failure.message, Math.ceil((failure.retryAt - now) / 1000));
    }
    try {
      return await load();
    } catch (error) {
      if (cached !== undefined) return cached.keys;
      throw new PublicKeysUnavailable((error as Error).message, Math.ceil((failure?.delay ?? FETCH_BACKOFF_MS.first) / 1000));
    }
  };
  return {
    description: url,
    prefetch: async () => {
      await load();
    },
    find: async (identifier) => {
      let keys = await current(false);
      const now = clock();
      if (!keys.has(identifier) && now - lastMissRefresh > 60_000) {
        lastMissRefresh = now;
        keys = await current(true);
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
