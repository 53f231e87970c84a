import { describe, expect, it } from 'vitest';
import { looksLikePlaceholder } from '../../src/validators/placeholder.js';

describe('placeholder filter', () => {
  it('knows typed placeholders from what a random body happens to spell', () => {
    for (const typed of ['xxxxxxxxxxxxxxxx', 'XXXX1234', 'abXXXXXXcd', '0000-0000', 'your_api_key', '${API_KEY}', '<token>', 'EXAMPLEKEY', 'abcdefghij', 'abcabcabcabc']) {
      expect(looksLikePlaceholder(typed), typed).toBe(true);
    }
    // A mixed-case run of x is what 60 base62 characters spell about once in 15,000 keys; nobody types it.
    for (const random of ['Q7xXxX9Lm2Kp4Rt8', 'p3XxxX7qLm9Kt2Rw', 'Xx9xXq2LmKp4Rt8w', 'xxx7Lm2Kp4Rt8Q9w']) {
      expect(looksLikePlaceholder(random), random).toBe(false);
    }
  });
});
