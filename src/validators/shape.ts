/**
 * The shape check of `require_letter_and_digit` rules: a value named by a provider's setting must look
 * generated, not written. A letter and a digit settle it. Without a digit, a random mix of cases still
 * does (`qHwTmZkRbNcVxJyL`): a real 16-character base62 secret has no digit 6 times in 100, and dropping
 * those lost real keys. Letters that read as words (`VonageApiSecret`, `getAPIKeyValue`, `password`) do not.
 */
export function looksGenerated(value: string): boolean {
  if (!/[A-Za-z]/.test(value)) return false;
  if (/[0-9]/.test(value)) return true;
  return !readsAsWords(value);
}

/** camelCase, PascalCase or single-case words; short acronyms (`API`, `SASL`) allowed. */
const SEGMENT = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g;
const VOWEL = /[aeiouy]/i;
const LONGEST_ACRONYM = 5;

function readsAsWords(letters: string): boolean {
  // One case throughout cannot be split into words here; a generated base62 value is almost never in one case.
  if (!/[a-z]/.test(letters) || !/[A-Z]/.test(letters)) return true;
  let singleLetters = 0;
  for (const [segment] of letters.matchAll(SEGMENT)) {
    if (segment.length === 1) {
      singleLetters++;
      continue;
    }
    if (/^[A-Z]+$/.test(segment)) {
      if (segment.length > LONGEST_ACRONYM) return false;
      continue;
    }
    // A word has a vowel; `Hw`, `Tm`, `Zk` are what random letters split into.
    if (!VOWEL.test(segment)) return false;
  }
  return singleLetters <= 1;
}
