/**
 * Which keywords are too common to prefilter. The prefilter is worth having only if most chunks contain
 * none of a rule's keywords: a keyword that ordinary code or prose is full of (`key`, `token`, `http`)
 * sends that rule's exact pattern over nearly every chunk, and with 450 rules a few of those undo the
 * prefilter for all. `rules check` names such a rule so its author picks a rarer literal (a token prefix,
 * a provider name) or pins the pattern to context.
 *
 * A three-letter keyword is a syllable that identifiers are full of (`exo` is in every `indexOf`), so it
 * is named too, unless it is a provider's documented token prefix measured to be rare in code (crates.io
 * `cio`: 8 of 1,343 16-KiB chunks of real JavaScript). A three-character prefix holding a digit or a
 * symbol (NuGet `oy2`, `hf_`) is selective enough. Generic rules are exempt by design: they are scored,
 * not prefiltered to precision.
 */
export const MIN_KEYWORD_LENGTH = 3;

/** Three-letter token prefixes that providers document as the only literal of their tokens. */
// `EAA`: Meta access tokens (10 of 1,034 JavaScript files hold the letters); `okx`: OKX's name, which its
// keys sit beside (0 of 1,034).
const DOCUMENTED_SHORT_PREFIXES = new Set(['cio', 'eaa', 'okx']);

/** English words and code tokens that occur in most source files, lower case. */
const COMMON = new Set(
  `
  key keys token tokens secret secrets pass passwd password passwords pwd auth oauth api apis apikey user users
  username admin root test tests live prod dev data value values http https www com org net url uri host port
  server client access private public config conf env name type id ids app apps web login bearer basic session
  cookie hash salt sign signature cert true false null none nil undefined function return import export const
  let var class def self this that from with for the and not new get set put post string int bool list map
  json yaml xml html text file path dir src lib bin tmp log info error debug code base main master branch
  commit repo cloud account service services project default local remote database db sql query table insert
  select update delete create model view controller route router handler request response header headers body
  `
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

/** Why `keyword` is too common to prefilter, or undefined when it is fine. */
export function commonKeywordReason(keyword: string): string | undefined {
  const folded = keyword.trim().toLowerCase();
  // A two-character literal with a character code rarely holds (Azure's `Q~`) is still selective.
  if (folded.length < MIN_KEYWORD_LENGTH && /^[a-z0-9_.:/=-]*$/.test(folded)) return `shorter than ${MIN_KEYWORD_LENGTH} characters`;
  if (/^[a-z]{3}$/.test(folded) && !DOCUMENTED_SHORT_PREFIXES.has(folded)) return 'three letters, a syllable common inside identifiers';
  const word = folded.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (COMMON.has(word) && word.length >= folded.length - 1) return 'a common word or code token';
  return undefined;
}
