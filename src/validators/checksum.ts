import { crc32 } from 'node:zlib';

export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const CHECKSUM_LENGTH = 6;

/** CRC32 of `text` in base62, left-padded with '0' to 6 characters (the GitHub and npm token scheme). */
export function crc32Base62(text: string): string {
  let value = crc32(Buffer.from(text, 'utf8'));
  let out = '';
  while (value > 0) {
    out = BASE62_ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out.padStart(CHECKSUM_LENGTH, '0');
}

/**
 * True when the last 6 characters of `token` are the base62 CRC32 of what they cover:
 * `after-prefix` covers the characters after the last '_' (ghp_, npm_), `whole` covers everything before them.
 */
export function hasValidCrc32Base62(token: string, covers: 'after-prefix' | 'whole'): boolean {
  if (token.length <= CHECKSUM_LENGTH) return false;
  const checked = token.slice(0, -CHECKSUM_LENGTH);
  const expected = token.slice(-CHECKSUM_LENGTH);
  const covered = covers === 'whole' ? checked : checked.slice(checked.lastIndexOf('_') + 1);
  if (covered.length === 0) return false;
  return crc32Base62(covered) === expected;
}
