/**
 * What kind of container a run of bytes is, by its magic bytes: the name is only a hint (a `.jar` is a zip,
 * a `.tgz` is gzip, a CI artefact may have no extension at all).
 */
export type ArchiveFormat = 'zip' | 'tar' | 'gzip' | 'bzip2';

/** Bytes a caller should hand to `detectFormat`: a tar header is 512 bytes and its magic sits at 257. */
export const HEAD_BYTES = 512;

export function detectFormat(head: Uint8Array): ArchiveFormat | undefined {
  // A local file header, or the end-of-central-directory record of an empty zip.
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8) return 'gzip';
  // `BZh` and a block size digit 1-9.
  if (head.length >= 4 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68 && head[3]! >= 0x31 && head[3]! <= 0x39) return 'bzip2';
  if (isTarHeader(head)) return 'tar';
  return undefined;
}

/**
 * A tar header: `ustar` at 257 (POSIX and GNU), or for old v7 archives a header whose checksum adds up.
 * The checksum test keeps a text file that happens to be 512 bytes long from passing as tar.
 */
export function isTarHeader(head: Uint8Array): boolean {
  if (head.length < HEAD_BYTES) return false;
  const magic = Buffer.from(head.buffer, head.byteOffset + 257, 5).toString('latin1');
  if (magic === 'ustar') return checksumMatches(head);
  return head[0] !== 0 && checksumMatches(head);
}

function checksumMatches(head: Uint8Array): boolean {
  const field = Buffer.from(head.buffer, head.byteOffset + 148, 8).toString('latin1').replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < HEAD_BYTES; i++) sum += i >= 148 && i < 156 ? 0x20 : head[i]!;
  return sum === Number.parseInt(field, 8);
}

const ARCHIVE_EXTENSIONS = /\.(?:zip|jar|war|ear|apk|aar|nupkg|whl|egg|xpi|tar|tgz|tbz2?|gz|bz2)$/i;

/** Names worth opening to look for magic bytes when the bytes are not at hand yet (a file in a tree). */
export function hasArchiveExtension(path: string): boolean {
  return ARCHIVE_EXTENSIONS.test(path);
}

/** The member name a single compressed file stands for: `app.log.gz` holds `app.log`. */
export function strippedName(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const stripped = base.replace(/\.(?:gz|bz2|tgz|tbz2?)$/i, (ext) => (/^\.t/i.test(ext) ? '.tar' : ''));
  return stripped === '' || stripped === base ? `${base}.out` : stripped;
}
