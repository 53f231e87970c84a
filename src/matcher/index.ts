/**
 * The only module that imports `re2`. Everything else sees a Matcher: give it bytes, get back which rule
 * matched where (byte offsets of the secret). It knows nothing of files, git, validators or reports.
 *
 * Two stages, both over raw bytes:
 * 1. the keyword pass: one RE2 alternation of every rule's keywords, and of the literals its matches must
 *    start with (./anchors.ts), ASCII case-insensitive, run over the chunk once. It says which rules could
 *    match at all, and where each anchoring literal is. Most chunks stop here.
 * 2. for each rule it woke, the exact pattern: tried where its literals are when it is literal-anchored and
 *    every literal is in the pass, else run over the chunk.
 * An RE2.Set of the same literals costs as much per byte but says only which literals occur somewhere:
 * each anchored rule then had to search the chunk again for its own literals, and a case-sensitive one for
 * its keyword in the right case. On a 300 MB sample of a generated history those searches (and the
 * lower-cased copy of each chunk they needed) cost as much as the Set itself; the alternation hands over
 * the places at about one per 30 KB of real text, for the time the Set took.
 * The pass holds literals only, never the rules' bounded repeats: one regex of gitleaks-sized rules grows a
 * DFA that no longer fits RE2's memory budget and falls back to a crawl. Literals stay one pass far past
 * the built-in rules' count, so the pass is split only past MAX_KEYWORDS_PER_SET.
 */
import RE2 from 're2';
import { RuleError } from '../errors.js';
import type { Rule } from '../rules/types.js';
import { keywordAnchor, type Anchor } from './anchors.js';

export interface Candidate {
  /** Index into the rules the matcher was compiled from. */
  ruleIndex: number;
  /** Byte offsets of the secret (the pattern's first capture group) within the chunk. */
  start: number;
  end: number;
}

/** Counters of work done, so a test can hold the prefilter to a budget without timing it. */
export interface MatcherWork {
  chunks: number;
  bytesPrefiltered: number;
  /** Runs of the keyword pass (one per shard per chunk). */
  prefilterPasses: number;
  /** Places the keyword pass stopped at: each is a literal's occurrence. */
  keywordPlaces: number;
  exactRuns: number;
  bytesExactScanned: number;
  /**
   * Rules whose pattern never ran though one of their literals was there: only in another case than the
   * rule can match, or without the literal every match starts with.
   */
  caseMisses: number;
  /** Places a literal-anchored pattern was tried at (./anchors.ts), instead of a pass over the chunk. */
  anchoredTries: number;
  /** Places a rule's own search for its literals found (when the keyword pass gave none). */
  literalSearchPlaces: number;
}

export interface Matcher {
  readonly ruleCount: number;
  readonly prefilterShards: number;
  readonly work: MatcherWork;
  /** All matches of all rules in `data`, in no particular order. */
  find(data: Buffer): Candidate[];
  /** Matches of one rule only, skipping the prefilter (used by `rules check` and tests). */
  findWithRule(ruleIndex: number, data: Buffer): Candidate[];
}

export const MAX_KEYWORDS_PER_SET = 4096;

interface CompiledRule {
  exact: RE2;
  /** The same pattern, sticky: tried at each place its anchoring literal occurs (./anchors.ts). */
  sticky?: RE2;
}

export interface MatcherOptions {
  /** Try literal-anchored patterns where their literals occur only (default); off runs every pattern over the chunk. */
  anchors?: boolean;
  /**
   * Bytes the matcher reads before the keyword pass looks for places (default 1 MB). Until then an RE2.Set
   * of the same literals says which rules to run, and each searches the chunk for its own literals: a
   * pre-commit hook's few files would pay more to compile the alternation and its reverse program (about
   * 10 ms) than the places save them.
   */
  placesAfterBytes?: number;
}

const PLACES_AFTER_BYTES = 1024 * 1024;

/** Compiles every pattern with RE2; a pattern RE2 rejects is a RuleError naming the rule and its file. */
export function compileMatcher(rules: readonly Rule[], { anchors = true, placesAfterBytes = PLACES_AFTER_BYTES }: MatcherOptions = {}): Matcher {
  // Rules checked at build time compile on first use: a pre-commit scan of five files whose keywords hit
  // two rules should not pay for compiling two hundred. Any other rule compiles now, so a bad pattern is
  // an error at load time, naming its file.
  const compiled: (CompiledRule | undefined)[] = rules.map((rule) => (rule.patternChecked ? undefined : compileRule(rule)));
  // Read on a rule's first run, or when the keyword pass first needs them: a hook's startup stays cheap.
  const anchored: (CompiledAnchor | false | undefined)[] = rules.map(() => (anchors ? undefined : false));
  const anchorFor = (ruleIndex: number): CompiledAnchor | false => (anchored[ruleIndex] ??= anchorOf(rules[ruleIndex]!));
  const pass = compileKeywordPass(rules);
  const work: MatcherWork = { chunks: 0, bytesPrefiltered: 0, prefilterPasses: 0, keywordPlaces: 0, exactRuns: 0, bytesExactScanned: 0, caseMisses: 0, anchoredTries: 0, literalSearchPlaces: 0 };

  function runPlain(ruleIndex: number, { exact }: CompiledRule, data: Buffer, out: Candidate[]): void {
    work.exactRuns++;
    work.bytesExactScanned += data.length;
    exact.lastIndex = 0;
    for (;;) {
      const match = exact.exec(data);
      if (match === null) break;
      // The secret is the first capture group, or the whole match when the pattern has none (or group 1 did not take part).
      const span = match.indices?.[1] ?? match.indices?.[0];
      if (span !== undefined) out.push({ ruleIndex, start: span[0], end: span[1] });
      if (match[0].length === 0) exact.lastIndex++;
    }
  }

  /**
   * Where the literals of a rule outside the keyword pass are, by searching the chunk for each; undefined
   * past `limit` places (the search stops there: a run of `AAAA…` would give one at every byte).
   */
  function searchStarts(anchor: CompiledAnchor, data: Buffer, folded: FoldedChunk, limit: number): number[] | undefined {
    const starts: number[] = [];
    if (anchor.folded === undefined) {
      for (const literal of anchor.literals) {
        for (let at = data.indexOf(literal); at !== -1; at = data.indexOf(literal, at + 1)) {
          work.literalSearchPlaces++;
          if (starts.push(Math.max(0, at - anchor.offset)) > limit) return undefined;
        }
      }
    } else {
      // RE2 folds k and s with the Kelvin sign and the long s too, which no ASCII search sees: such a chunk gets the plain pass.
      if (anchor.foldsBeyondAscii && folded.holdsUnicodeFolds()) return undefined;
      const text = folded.text();
      for (const literal of anchor.folded) {
        for (let at = text.indexOf(literal); at !== -1; at = text.indexOf(literal, at + 1)) {
          work.literalSearchPlaces++;
          if (starts.push(Math.max(0, at - anchor.offset)) > limit) return undefined;
        }
      }
    }
    if ((anchor.folded ?? anchor.literals).length > 1) starts.sort((a, b) => a - b);
    return starts;
  }

  /**
   * The pattern tried at each of `starts` (ascending), skipping places inside the last match: every match
   * starts at such a place, so this finds what a pass over the chunk finds, in the same order.
   */
  function runAnchored(ruleIndex: number, rule: CompiledRule, starts: readonly number[], data: Buffer, out: Candidate[]): void {
    if (starts.length === 0) {
      work.caseMisses++;
      return;
    }
    work.exactRuns++;
    const sticky = (rule.sticky ??= new RE2(rule.exact.source, 'dy'));
    let next = 0;
    for (const start of starts) {
      if (start < next) continue;
      work.anchoredTries++;
      sticky.lastIndex = start;
      const match = sticky.exec(data);
      if (match === null) continue;
      const span = match.indices?.[1] ?? match.indices?.[0];
      if (span !== undefined) out.push({ ruleIndex, start: span[0], end: span[1] });
      next = match.index + Math.max(1, match[0].length);
    }
  }

  /** One rule over the chunk: at the places the keyword pass found (`starts`), else by its own search or a full pass. */
  function runRule(ruleIndex: number, data: Buffer, out: Candidate[], folded: FoldedChunk, starts: readonly number[] | undefined): void {
    const rule = (compiled[ruleIndex] ??= compileRule(rules[ruleIndex]!));
    const anchor = anchorFor(ruleIndex);
    if (anchor !== false) {
      // A run of `AAAA…` puts a place at every byte: one pass of the pattern then costs less than a try at each.
      const limit = placesBudget(data.length);
      const at = starts ?? searchStarts(anchor, data, folded, limit);
      if (at !== undefined && at.length <= limit) {
        runAnchored(ruleIndex, rule, at, data, out);
        return;
      }
    }
    runPlain(ruleIndex, rule, data, out);
  }

  return {
    ruleCount: rules.length,
    prefilterShards: Math.ceil(pass.keywords.length / MAX_KEYWORDS_PER_SET),
    work,
    find(data) {
      work.chunks++;
      work.bytesPrefiltered += data.length;
      const candidates: Candidate[] = [];
      if (data.length === 0) return candidates;
      const placed = work.bytesPrefiltered - data.length >= placesAfterBytes;
      if (placed) pass.shards ??= preparePlaces(pass, rules, anchorFor);
      const hits = (placed ? runKeywordPass(pass, data, work) : undefined) ?? wakeBySet(pass, data, work);
      if (hits.woken.size === 0 && hits.caseMissed.size === 0) return candidates;
      const folded = foldedText(data);
      for (const ruleIndex of [...hits.woken].sort((a, b) => a - b)) {
        const starts = pass.positional[ruleIndex] && hits.starts !== undefined ? (hits.starts.get(ruleIndex) ?? []) : undefined;
        if (starts !== undefined && pass.literals.length > MAX_KEYWORDS_PER_SET) starts.sort((a, b) => a - b);
        runRule(ruleIndex, data, candidates, folded, starts);
      }
      work.caseMisses += hits.caseMissed.size;
      return candidates;
    },
    findWithRule(ruleIndex, data) {
      const candidates: Candidate[] = [];
      runRule(ruleIndex, data, candidates, foldedText(data), undefined);
      return candidates;
    },
  };
}

/** What the keyword pass does at each occurrence of one literal. */
interface LiteralUse {
  ruleIndex: number;
  /** The bytes that must be there exactly, when the rule can only match with this spelling (else any ASCII case). */
  exact: Buffer | undefined;
  /** A keyword wakes its rule; an anchor adds a place (less the boundary group's offset) to try its pattern at. */
  kind: 'keyword' | 'anchor';
  offset: number;
}

interface KeywordPass {
  /** Alternations of the literals, longest first (where several start at one place, the longest is reported); compiled on first use. */
  shards?: RE2[];
  /** Literal id by its lower-case text: the keywords first, then (once places are asked for) the anchoring literals. */
  idOf: Map<string, number>;
  /**
   * Per literal id: the ids of the literals that are a prefix of it, itself included (all start where it
   * does); worked out at the literal's first occurrence, so a hook's startup does not pay for a thousand.
   */
  prefixes: (number[] | undefined)[];
  /** Literal (lower case) by id. */
  byId: string[];
  uses: LiteralUse[][];
  /** Per rule: anchored, and every anchoring literal is in the pass, so its places come from it. */
  positional: boolean[];
  /** The keywords alone as RE2.Sets, compiled the first time a chunk goes without places: they only wake rules. */
  sets?: InstanceType<typeof RE2.Set>[];
  keywords: string[];
  /** Every literal, longest first, in the order the alternations hold them (set with them). */
  literals: string[];
}

interface KeywordHits {
  woken: Set<number>;
  /** Rules a literal woke in some case only, whose pattern cannot match in that case. */
  caseMissed: Set<number>;
  /** Places to try each positional rule at; undefined when the pass gave up and each rule searches for itself. */
  starts: Map<number, number[]> | undefined;
}

/**
 * Past this many places per KB the pass gives up on the chunk: a run of `AAAA…` (zeros in base64) holds
 * a keyword at every byte, and a regex call per byte costs far more than one Set pass and a search per rule.
 * Real text holds about one place per 30 KB.
 */
const MAX_PLACES_PER_KB = 1;
const MIN_PLACES_BUDGET = 256;

/** The places a chunk of `length` bytes may give one search, the keyword pass's or a rule's own, before one pass replaces them. */
function placesBudget(length: number): number {
  return MIN_PLACES_BUDGET + Math.floor((length / 1024) * MAX_PLACES_PER_KB);
}

function compileKeywordPass(rules: readonly Rule[]): KeywordPass {
  const pass: KeywordPass = { idOf: new Map(), byId: [], prefixes: [], uses: [], positional: rules.map(() => false), keywords: [], literals: [] };
  rules.forEach((rule, ruleIndex) => {
    const exact = caseExactKeywords(rule);
    rule.keywords.forEach((keyword, i) => pass.uses[literalId(pass, keyword)]!.push({ ruleIndex, exact: exact?.[i], kind: 'keyword', offset: 0 }));
  });
  pass.keywords = [...pass.byId];
  return pass;
}

function literalId(pass: KeywordPass, literal: string): number {
  const folded = literal.toLowerCase();
  let id = pass.idOf.get(folded);
  if (id === undefined) {
    id = pass.byId.length;
    pass.idOf.set(folded, id);
    pass.byId.push(folded);
    pass.prefixes.push(undefined);
    pass.uses.push([]);
  }
  return id;
}

/** Adds the rules' anchoring literals to the pass and compiles its alternations: once, when places are first asked for. */
function preparePlaces(pass: KeywordPass, rules: readonly Rule[], anchorOf: (ruleIndex: number) => CompiledAnchor | false): RE2[] {
  rules.forEach((rule, ruleIndex) => {
    const anchor = anchorOf(ruleIndex);
    if (anchor === false) return;
    // An anchoring literal that holds one of the rule's keywords is at most as common as that keyword, which
    // the pass stops at anyway; any other (`token`, `https://`) would stop it far more often than it pays.
    const spelled = anchor.folded ?? anchor.literals.map((literal) => literal.toString('latin1'));
    const keywords = rule.keywords.map((keyword) => keyword.toLowerCase());
    // Non-ASCII literals are left to the rule's own search: the pass names what it matched by ASCII folding.
    if (!spelled.every((literal) => /^[\x20-\x7e]+$/.test(literal) && keywords.some((keyword) => literal.toLowerCase().includes(keyword)))) return;
    pass.positional[ruleIndex] = true;
    for (const literal of spelled) {
      pass.uses[literalId(pass, literal)]!.push({ ruleIndex, exact: anchor.folded === undefined ? Buffer.from(literal, 'latin1') : undefined, kind: 'anchor', offset: anchor.offset });
    }
  });
  pass.literals = [...pass.byId].sort((a, b) => b.length - a.length);
  return shardsOf(pass.literals).map((literals) => new RE2(literals.map(escapeLiteral).join('|'), 'gi'));
}

/** The keyword pass over one chunk; undefined when it gives up (too many places, or one it cannot name). */
function runKeywordPass(pass: KeywordPass, data: Buffer, work: MatcherWork): KeywordHits | undefined {
  const hits: KeywordHits = { woken: new Set(), caseMissed: new Set(), starts: new Map() };
  const starts = hits.starts!;
  const budget = placesBudget(data.length);
  let places = 0;
  for (const shard of pass.shards!) {
    work.prefilterPasses++;
    shard.lastIndex = 0;
    for (;;) {
      const match = shard.exec(data);
      if (match === null) break;
      const at = match.index;
      work.keywordPlaces++;
      const id = literalIdOf(pass, match[0]);
      // Not expected of ASCII literals; should it happen, the Set decides instead.
      if (++places > budget || id === undefined) return undefined;
      for (const prefix of (pass.prefixes[id] ??= prefixesOf(pass, id))) {
        for (const use of pass.uses[prefix]!) {
          const spelledSo = use.exact === undefined || bytesAt(data, at, use.exact);
          if (use.kind === 'keyword') {
            if (spelledSo) hits.woken.add(use.ruleIndex);
            else hits.caseMissed.add(use.ruleIndex);
          } else if (spelledSo) {
            const start = Math.max(0, at - use.offset);
            const ruleStarts = starts.get(use.ruleIndex);
            if (ruleStarts === undefined) starts.set(use.ruleIndex, [start]);
            else if (ruleStarts.at(-1) !== start) ruleStarts.push(start);
          }
        }
      }
      shard.lastIndex = at + 1;
    }
  }
  for (const ruleIndex of hits.woken) hits.caseMissed.delete(ruleIndex);
  return hits;
}

/** Which rules the literals wake, from one Set pass per shard, with no places: each woken rule then searches for its own. */
function wakeBySet(pass: KeywordPass, data: Buffer, work: MatcherWork): KeywordHits {
  const hits: KeywordHits = { woken: new Set(), caseMissed: new Set(), starts: undefined };
  pass.sets ??= shardsOf(pass.keywords).map((literals) => new RE2.Set(literals.map(escapeLiteral), 'i'));
  pass.sets.forEach((set, shard) => {
    work.prefilterPasses++;
    for (const index of set.match(data)) {
      for (const use of pass.uses[pass.idOf.get(pass.keywords[shard * MAX_KEYWORDS_PER_SET + index]!)!]!) {
        if (use.kind !== 'keyword') continue;
        if (use.exact === undefined || data.includes(use.exact)) hits.woken.add(use.ruleIndex);
        else hits.caseMissed.add(use.ruleIndex);
      }
    }
  });
  for (const ruleIndex of hits.woken) hits.caseMissed.delete(ruleIndex);
  return hits;
}

function shardsOf(literals: readonly string[]): string[][] {
  const shards: string[][] = [];
  for (let first = 0; first < literals.length; first += MAX_KEYWORDS_PER_SET) shards.push(literals.slice(first, first + MAX_KEYWORDS_PER_SET));
  return shards;
}

function prefixesOf(pass: KeywordPass, id: number): number[] {
  const literal = pass.byId[id]!;
  const found: number[] = [];
  for (let length = 1; length <= literal.length; length++) {
    const prefix = pass.idOf.get(literal.slice(0, length));
    if (prefix !== undefined) found.push(prefix);
  }
  return found;
}

/** The literal RE2 matched, from its bytes: ASCII in any case, or with k and s spelled U+212A and U+017F, as RE2 folds them. */
function literalIdOf(pass: KeywordPass, matched: Buffer): number | undefined {
  const id = pass.idOf.get(matched.toString('latin1').toLowerCase());
  if (id !== undefined) return id;
  return pass.idOf.get(matched.toString('utf8').replace(/\u212a/g, 'k').replace(/\u017f/g, 's').toLowerCase());
}

function bytesAt(data: Buffer, at: number, literal: Buffer): boolean {
  if (at + literal.length > data.length) return false;
  for (let i = 0; i < literal.length; i++) if (data[at + i] !== literal[i]) return false;
  return true;
}

/**
 * The keywords as byte strings when the rule can only match with one of them in exactly that case, else
 * undefined. The keyword pass folds case (one regex serves all rules), so `akid` inside a hex digest
 * would wake a rule for `AKID…`: on the 200 MB benchmark corpus three such prefixes (`AKID`, `EAA`, `00D`)
 * made 7,521 of the 9,034 pattern runs (417 of 533 MB), all in vain. A case-sensitive pattern (no `(?i)`)
 * that spells each keyword in one case only, the keyword's, matches only where that spelling is: the pass
 * compares the bytes at each place it stops, and wakes such a rule only on its own spelling.
 */
function caseExactKeywords(rule: Rule): Buffer[] | undefined {
  if (/\(\?[a-z]*i/.test(rule.pattern) || rule.keywords.length === 0) return undefined;
  const folded = rule.pattern.toLowerCase();
  for (const keyword of rule.keywords) {
    const exact = occurrences(rule.pattern, keyword);
    if (exact === 0 || exact !== occurrences(folded, keyword.toLowerCase())) return undefined;
  }
  return rule.keywords.map((keyword) => Buffer.from(keyword, 'utf8'));
}

function occurrences(text: string, literal: string): number {
  let count = 0;
  for (let at = text.indexOf(literal); at !== -1; at = text.indexOf(literal, at + 1)) count++;
  return count;
}

interface CompiledAnchor {
  /** Exact literals, searched for in the bytes. */
  literals: Buffer[];
  /** Case-insensitive literals (lower case), searched for in the chunk's folded text instead. */
  folded?: string[];
  /** A folded literal holds k or s, which RE2 also matches as U+212A and U+017F. */
  foldsBeyondAscii: boolean;
  offset: number;
}

/** The UTF-8 of U+212A KELVIN SIGN and U+017F LATIN SMALL LETTER LONG S: RE2's (?i) folds k and s with them. */
const KELVIN_SIGN = Buffer.from('\u212a', 'utf8');
const LONG_S = Buffer.from('\u017f', 'utf8');

function anchorOf(rule: Rule): CompiledAnchor | false {
  // Reading 600 patterns costs 15 ms, a tenth of a pre-commit hook: the built-in rules come with theirs.
  const anchor: Anchor | undefined = rule.patternChecked === true && rule.anchor !== undefined ? (rule.anchor ?? undefined) : keywordAnchor(rule.pattern);
  if (anchor === undefined) return false;
  if (!anchor.caseInsensitive) return { literals: anchor.literals.map((literal) => Buffer.from(literal, 'utf8')), foldsBeyondAscii: false, offset: anchor.offset };
  return { literals: [], folded: anchor.literals, foldsBeyondAscii: anchor.literals.some((literal) => /[ks]/.test(literal)), offset: anchor.offset };
}

/**
 * The chunk as one byte per character, ASCII letters in lower case, and whether it holds U+212A or
 * U+017F, each worked out on first use and once per chunk: every folded literal of the chunk's rules is
 * then one string search. Offsets in the text are byte offsets in the chunk.
 */
interface FoldedChunk {
  text(): string;
  holdsUnicodeFolds(): boolean;
}

function foldedText(data: Buffer): FoldedChunk {
  let text: string | undefined;
  let unicodeFolds: boolean | undefined;
  return {
    text: () => (text ??= data.toString('latin1').toLowerCase()),
    holdsUnicodeFolds: () => (unicodeFolds ??= data.includes(KELVIN_SIGN) || data.includes(LONG_S)),
  };
}

function compileRule(rule: Rule): CompiledRule {
  let exact: RE2;
  try {
    exact = new RE2(rule.pattern, 'gd');
  } catch (error) {
    throw new RuleError(
      rule.source.file,
      `pattern is not valid RE2 syntax (${error instanceof Error ? error.message : String(error)}); RE2 has no lookaround or backreferences`,
      rule.source.line,
      rule.id,
    );
  }
  return { exact };
}

function escapeLiteral(literal: string): string {
  return literal.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
