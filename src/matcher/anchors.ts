/**
 * Which patterns can only match where one of a few literals starts (or one byte before it, after a
 * boundary group), read from the pattern's text. For such a rule the matcher tries the pattern at each
 * place a literal occurs instead of running it over the whole chunk: a prefix like `EAA`, `dt0` or `oy2`
 * turns up by chance a few times per megabyte of minified code or base64, and each such chunk used to cost
 * a full pass of the pattern (on a 300 MB sample of a generated history, 1.2 GB of pattern passes).
 *
 * The reading is conservative: any construct it does not understand (flags, lookalike groups, an optional
 * first atom, a top-level alternation outside the first group) means "no", and the rule runs as before.
 */

/** `(?:^|[^…])`: a match starts at the text's start or one byte before the literal. */
const BOUNDARY = /^\(\?:\^\|\[\^(?:[^\]\\]|\\.)+\]\)/;
const META = '.[](){}|?*+^$';
/** Shorter literals turn up too often for a try at each to beat one pass. */
const MIN_LITERAL = 3;
const MAX_LITERALS = 16;

export interface Anchor {
  /**
   * Every match starts with one of these: exactly as written, or, when `caseInsensitive`, in any ASCII
   * case (they are then given in lower case, and are ASCII).
   */
  literals: string[];
  /** 1 when a boundary group comes first: the match starts one byte before the literal (or at the text's start). */
  offset: 0 | 1;
  /** The literals sit under `(?i)` or in a `(?i:…)` first group. */
  caseInsensitive: boolean;
}

/** Where every match of `pattern` must start, when the pattern plainly says so; else undefined. */
export function keywordAnchor(pattern: string): Anchor | undefined {
  const context = { caseInsensitive: pattern.startsWith('(?i)') };
  const body = context.caseInsensitive ? pattern.slice('(?i)'.length) : pattern;
  if (body.startsWith('(?') && !body.startsWith('(?:') && !body.startsWith('(?P<') && !body.startsWith('(?i:')) return undefined;
  const whole = splitTopLevel(body);
  if (whole === undefined || whole.length !== 1) return undefined;
  const boundary = BOUNDARY.exec(body);
  const offset = boundary === null ? 0 : 1;
  const found = leadingLiterals(boundary === null ? body : body.slice(boundary[0].length), context);
  if (found === undefined || found.some((literal) => Buffer.byteLength(literal) < MIN_LITERAL)) return undefined;
  // A case-insensitive literal is searched for in ASCII lower case; RE2's other folds (K, ſ) are the matcher's to handle.
  if (context.caseInsensitive && found.some((literal) => !/^[\x20-\x7e]+$/.test(literal))) return undefined;
  const literals = context.caseInsensitive ? found.map((literal) => literal.toLowerCase()) : found;
  return { literals: [...new Set(literals)], offset, caseInsensitive: context.caseInsensitive };
}

interface ReadContext {
  /** Set once a literal is read under a case-insensitive flag: the search then folds case for all of them. */
  caseInsensitive: boolean;
}

/** Texts one of which every match of `text` starts with, or undefined. */
function leadingLiterals(text: string, context: ReadContext): string[] | undefined {
  const branches = splitTopLevel(text);
  if (branches === undefined || branches.length === 0) return undefined;
  const literals: string[] = [];
  for (const branch of branches) {
    const found = branchLiterals(branch, context);
    if (found === undefined) return undefined;
    literals.push(...found);
  }
  return literals.length > MAX_LITERALS ? undefined : literals;
}

function branchLiterals(branch: string, context: ReadContext): string[] | undefined {
  const { literal, rest, open } = literalPrefix(branch);
  if (!open || !rest.startsWith('(')) return literal === '' ? undefined : [literal];
  // A group follows (or comes first): its own leading literals continue this one. A `(?i:…)` group is read
  // only as a first atom, so what comes before a case flag is never mixed with what comes after.
  const opener = /^\((?:\?:|\?P<\w+>|\?i:)?/.exec(rest)![0];
  const folds = opener === '(?i:';
  const close = (opener === '(' && rest[1] === '?') || (folds && literal !== '') ? -1 : closingParen(rest);
  const after = close === -1 ? '' : rest.slice(close + 1);
  const optional = close === -1 || after.startsWith('?') || after.startsWith('*') || /^\{0\s*[,}]/.test(after);
  if (!optional && folds) context.caseInsensitive = true;
  const inner = optional ? undefined : leadingLiterals(rest.slice(opener.length, close), context);
  if (inner === undefined) return literal === '' ? undefined : [literal];
  const joined = inner.map((tail) => literal + tail);
  return joined.length > MAX_LITERALS ? [literal] : joined;
}

/**
 * The fixed text every match of `text` starts with, what follows it, and whether that may continue the
 * text (false when the last character repeats, so what follows is not right after it).
 */
function literalPrefix(text: string): { literal: string; rest: string; open: boolean } {
  let literal = '';
  let at = 0;
  while (at < text.length) {
    let char = text[at]!;
    let next = at + 1;
    if (char === '\\') {
      const escaped = text[at + 1];
      // \d, \w, \b, \x41 … are classes, assertions or codes, not the character itself.
      if (escaped === undefined || /[A-Za-z0-9]/.test(escaped)) return { literal, rest: text.slice(at), open: false };
      char = escaped;
      next = at + 2;
    } else if (META.includes(char)) {
      return { literal, rest: text.slice(at), open: char === '(' };
    }
    const quantifier = text[next];
    if (quantifier === '?' || quantifier === '*' || quantifier === '{') return { literal, rest: text.slice(at), open: false };
    literal += char;
    at = next;
    if (quantifier === '+') return { literal, rest: text.slice(at), open: false };
  }
  return { literal, rest: '', open: false };
}

/** Index of the `)` closing the group that opens at 0, or -1. */
function closingParen(text: string): number {
  let depth = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '\\') at++;
    else if (char === '[') at = classEnd(text, at);
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return at;
    if (at === -1) return -1;
  }
  return -1;
}

/** `text` cut at its top-level `|`, or undefined when its parentheses or classes do not balance. */
function splitTopLevel(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '\\') at++;
    else if (char === '[') {
      at = classEnd(text, at);
      if (at === -1) return undefined;
    } else if (char === '(') depth++;
    else if (char === ')') {
      if (--depth < 0) return undefined;
    } else if (char === '|' && depth === 0) {
      parts.push(text.slice(from, at));
      from = at + 1;
    }
  }
  if (depth !== 0) return undefined;
  parts.push(text.slice(from));
  return parts;
}

/** Index of the `]` closing the class that opens at `open` (a `]` first in the class is a member), or -1. */
function classEnd(text: string, open: number): number {
  let at = open + 1;
  if (text[at] === '^') at++;
  if (text[at] === ']') at++;
  for (; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '[' && text[at + 1] === ':') {
      const close = text.indexOf(':]', at + 2);
      if (close === -1) return -1;
      at = close + 1;
    } else if (text[at] === ']') return at;
  }
  return -1;
}
