import { createHash } from 'node:crypto';
import { BASE62_ALPHABET, CHECKSUM_LENGTH, crc32Base62 } from '../validators/checksum.js';

/**
 * Rule examples may not hold checksummed tokens verbatim: a valid one would trip other scanners (GitHub
 * push protection) on keyward's own repository. They write `{{crc32-base62:ghp_:30}}` instead, and the
 * test suite generates a token with a valid checksum (or `{{crc32-base62-bad:…}}`, a broken one) here.
 * Generation is deterministic per rule and example, so a failing example can be reproduced; it is test
 * data, not key material (the issuer uses the OS CSPRNG).
 */
const GENERATOR = /\{\{(crc32-base62(?:-bad)?):([^:}]*):(\d+)(?::(whole))?\}\}/g;

export function expandExample(text: string, seed: string): string {
  const bytes = deterministicBytes(seed);
  let cursor = 0;
  const generated = new Map<string, string>();
  return text.replace(GENERATOR, (whole, kind: string, prefix: string, lengthText: string, covers?: string) => {
    const known = generated.get(whole);
    if (known !== undefined) return known;
    let body = '';
    for (let i = 0; i < Number(lengthText); i++) {
      body += BASE62_ALPHABET[bytes[cursor++ % bytes.length]! % 62];
    }
    const checksum = crc32Base62(covers === 'whole' ? prefix + body : body);
    const token = prefix + body + (kind === 'crc32-base62-bad' ? corrupt(checksum) : checksum);
    generated.set(whole, token);
    return token;
  });
}

function corrupt(checksum: string): string {
  const last = checksum[CHECKSUM_LENGTH - 1]!;
  const replacement = BASE62_ALPHABET[(BASE62_ALPHABET.indexOf(last) + 1) % 62]!;
  return checksum.slice(0, -1) + replacement;
}

function deterministicBytes(seed: string): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; i < 8; i++) blocks.push(createHash('sha256').update(`${seed}#${i}`).digest());
  return Buffer.concat(blocks);
}

/** The examples' generator placeholders, for a text that mentions one literally. */
export function hasGenerator(text: string): boolean {
  GENERATOR.lastIndex = 0;
  return GENERATOR.test(text);
}
