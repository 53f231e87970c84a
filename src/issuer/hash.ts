import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What the store keeps instead of a key: its SHA-256 (hex), or with a server-side pepper its
 * HMAC-SHA-256. A 128-bit-or-more random key needs no slow hash: nobody can guess it, so a fast hash
 * loses nothing and keeps verification in microseconds. The pepper protects a stolen database further
 * but then the hashes are no longer plain SHA-256, so scanners cannot look them up (see the server).
 */
export function hashKey(key: string, pepper?: Buffer): string {
  return pepper === undefined ? createHash('sha256').update(key, 'utf8').digest('hex') : createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

/** Equal-length hex digests compared in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
