import { randomBytes } from 'node:crypto';
import { KeywardError } from '../errors.js';
import { BASE62_ALPHABET, CHECKSUM_LENGTH, crc32Base62 } from '../validators/checksum.js';

/**
 * An issuer's key format: `<prefix><key id>_<body><checksum>`, e.g.
 * `acme_live_` + `Q7x2Lm9K` + `_` + 43 base62 characters (256 bits) + 6 base62 characters of CRC32.
 *
 * - The prefix names issuer, environment and type, so a leaked key is recognisable by anyone's scanner.
 * - The key id is random, short and not secret: a leak report or a log line can name the key without it.
 * - The body carries the entropy, from the OS CSPRNG.
 * - The CRC32 covers everything before it, so scanners and `verify` reject a look-alike without a lookup.
 */
export interface KeyFormat {
  readonly prefix: string;
  readonly idLength: number;
  readonly bodyLength: number;
}

export interface KeyFormatOptions {
  prefix: string;
  /** Characters of key id (base62); default 8 (47 bits, unique per issuer by the store). */
  idLength?: number;
  /** Entropy of the body in bits; default 256, at least 128. */
  bodyBits?: number;
}

export const MIN_BODY_BITS = 128;
export const DEFAULT_BODY_BITS = 256;
export const DEFAULT_ID_LENGTH = 8;
const BITS_PER_BASE62 = Math.log2(62);
const PREFIX_SHAPE = /^[a-z][a-z0-9]{1,15}(?:_[a-z0-9]{1,15}){0,3}_$/;

export function defineKeyFormat(options: KeyFormatOptions): KeyFormat {
  const { prefix } = options;
  if (!PREFIX_SHAPE.test(prefix)) {
    throw new KeywardError(`prefix '${prefix}' must be lowercase words joined and ended by '_', e.g. acme_live_ or acme_sk_test_`);
  }
  const idLength = options.idLength ?? DEFAULT_ID_LENGTH;
  if (!Number.isInteger(idLength) || idLength < 6 || idLength > 24) throw new KeywardError(`id length ${idLength} must be an integer from 6 to 24`);
  const bodyBits = options.bodyBits ?? DEFAULT_BODY_BITS;
  if (!Number.isFinite(bodyBits) || bodyBits < MIN_BODY_BITS) {
    throw new KeywardError(`a key body of ${bodyBits} bits is refused: keys need at least ${MIN_BODY_BITS} bits of entropy`);
  }
  if (bodyBits > 1024) throw new KeywardError(`a key body of ${bodyBits} bits is more than the 1024 bits keyward supports`);
  return { prefix, idLength, bodyLength: Math.ceil(bodyBits / BITS_PER_BASE62) };
}

/** Bits of CSPRNG entropy in a key's body. */
export function bodyEntropyBits(format: KeyFormat): number {
  return format.bodyLength * BITS_PER_BASE62;
}

export function keyLength(format: KeyFormat): number {
  return format.prefix.length + format.idLength + 1 + format.bodyLength + CHECKSUM_LENGTH;
}

export interface GeneratedKey {
  key: string;
  id: string;
}

export function generateKey(format: KeyFormat): GeneratedKey {
  const id = randomBase62(format.idLength);
  const unchecked = `${format.prefix}${id}_${randomBase62(format.bodyLength)}`;
  return { key: unchecked + crc32Base62(unchecked), id };
}

/**
 * Uniform base62 from `crypto.randomBytes`: bytes of 248 or more are rejected, since 256 is not a multiple
 * of 62 and `byte % 62` would favour the first eight characters.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(Math.ceil((length - out.length) * 1.1) + 4)) {
      if (byte >= 248) continue;
      out += BASE62_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export type ParseFailure = 'malformed' | 'wrong-prefix' | 'checksum';
export type ParsedKey = { ok: true; id: string } | { ok: false; reason: ParseFailure };

const BASE62 = /^[0-9A-Za-z]*$/;

/** Shape and checksum only: no store is consulted, so garbage costs nothing. */
export function parseKey(format: KeyFormat, key: unknown): ParsedKey {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) return { ok: false, reason: 'malformed' };
  if (!key.startsWith(format.prefix)) return { ok: false, reason: 'wrong-prefix' };
  if (key.length !== keyLength(format)) return { ok: false, reason: 'malformed' };
  const idEnd = format.prefix.length + format.idLength;
  const id = key.slice(format.prefix.length, idEnd);
  const rest = key.slice(idEnd + 1);
  if (key[idEnd] !== '_' || !BASE62.test(id) || !BASE62.test(rest)) return { ok: false, reason: 'malformed' };
  if (crc32Base62(key.slice(0, -CHECKSUM_LENGTH)) !== key.slice(-CHECKSUM_LENGTH)) return { ok: false, reason: 'checksum' };
  return { ok: true, id };
}

/**
 * What may be shown of a key after creation, as Stripe's dashboard does: its first characters (prefix and
 * key id, neither secret) and its last 4. The last 4 are checksum characters, so the preview gives away
 * none of the body's random characters.
 */
export function previewKey(format: KeyFormat, key: string): string {
  return `${key.slice(0, format.prefix.length + format.idLength)}_…${key.slice(-4)}`;
}
