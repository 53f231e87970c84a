import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bodyEntropyBits, defineKeyFormat, generateKey, keyLength, parseKey, previewKey } from '../../src/issuer/index.js';
import { hasValidCrc32Base62 } from '../../src/validators/checksum.js';
import { REPO_ROOT } from '../helpers.js';

describe('issuer key format', () => {
  const format = defineKeyFormat({ prefix: 'acme_live_' });

  it('generates 10,000 keys that all pass their checksum, with unique ids and bodies', () => {
    const ids = new Set<string>();
    const bodies = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const { key, id } = generateKey(format);
      expect(key).toHaveLength(keyLength(format));
      expect(parseKey(format, key)).toEqual({ ok: true, id });
      expect(hasValidCrc32Base62(key, 'whole')).toBe(true);
      ids.add(id);
      const body = key.slice(format.prefix.length + format.idLength + 1, -6);
      bodies.add(body);
      for (const char of body) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(ids.size).toBe(10_000);
    expect(bodies.size).toBe(10_000);
    // Uniform base62: every character appears, none far from 1/62 of 430,000 characters.
    expect(counts.size).toBe(62);
    const expected = (10_000 * format.bodyLength) / 62;
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
  });

  it('meets the entropy floor and refuses a format below 128 bits', () => {
    expect(bodyEntropyBits(format)).toBeGreaterThanOrEqual(256);
    expect(bodyEntropyBits(defineKeyFormat({ prefix: 'acme_test_', bodyBits: 128 }))).toBeGreaterThanOrEqual(128);
    expect(() => defineKeyFormat({ prefix: 'acme_test_', bodyBits: 127 })).toThrow(/at least 128 bits/);
    expect(() => defineKeyFormat({ prefix: 'Acme-live' })).toThrow(/prefix/);
  });

  it('takes its randomness from crypto, never Math.random', () => {
    const dir = join(REPO_ROOT, 'src', 'issuer');
    const sources = readdirSync(dir).filter((name) => name.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(3);
    for (const name of sources) expect(readFileSync(join(dir, name), 'utf8'), name).not.toMatch(/Math\.random/);
    expect(readFileSync(join(dir, 'format.ts'), 'utf8')).toMatch(/randomBytes/);
  });

  it('rejects malformed input without a lookup, naming why', () => {
    const { key } = generateKey(format);
    const broken = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    const cases: [unknown, string][] = [
      ['', 'malformed'],
      [undefined, 'malformed'],
      [42, 'malformed'],
      ['x'.repeat(10_240), 'malformed'],
      [`acme_live_${'A'.repeat(10_240)}`, 'malformed'],
      ["acme_live_' OR 1=1; DROP TABLE keys; --", 'malformed'],
      [key.replace('acme_live_', 'acme_test_'), 'wrong-prefix'],
      [`${key}x`, 'malformed'],
      [key.slice(0, 30) + '-' + key.slice(31), 'malformed'],
      [broken, 'checksum'],
    ];
    for (const [input, reason] of cases) expect(parseKey(format, input), String(input).slice(0, 40)).toEqual({ ok: false, reason });
  });

  it('previews without any random body character', () => {
    const { key, id } = generateKey(format);
    const preview = previewKey(format, key);
    expect(preview.startsWith(`acme_live_${id}_`)).toBe(true);
    expect(preview.endsWith(key.slice(-4))).toBe(true);
    expect(preview).not.toContain(key.slice(format.prefix.length + format.idLength + 1, -6).slice(0, 4));
  });
});
