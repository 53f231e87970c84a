/**
 * The only module that imports `re2`. Everything else sees a Matcher: give it bytes, get back which rule
 * matched where (byte offsets of the secret). It knows nothing of files, git, validators or reports.
 *
 * Two stages, both over raw bytes:
 * 1. the prefilter, an RE2.Set of every rule's keywords (literals, ASCII case-insensitive), answers in one
 *    DFA pass which rules could match at all. Most chunks stop here.
 * 2. for each such rule, its exact pattern runs over the chunk.
 * The Set holds literals only, never the rules' bounded repeats: an exact Set of gitleaks-sized rules grows
 * a DFA that no longer fits RE2's memory budget and falls back to a crawl. A Set of literals stays one pass
 * far past the built-in rules' keyword count: measured on 40 MB of real JavaScript, one Set of 720 literals
 * ran at about the speed of one 256-literal Set, and 65,536 literals still matched correctly without a DFA
 * failure, while every extra shard costs a full pass over the bytes. So the Set is split only past
 * MAX_KEYWORDS_PER_SET, which no realistic rule set reaches.
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
  setPasses: number;
  exactRuns: number;
  bytesExactScanned: number;
  /**
   * Rules the prefilter named whose pattern never ran: their keywords were there in another case only, or
   * the literal every match starts with was not there.
   */
  caseMisses: number;
  /** Places a keyword-anchored pattern was tried at (./anchors.ts), instead of a pass over the chunk. */
  anchoredTries: number;
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
}

/** Compiles every pattern with RE2; a pattern RE2 rejects is a RuleError naming the rule and its file. */
export function compileMatcher(rules: readonly Rule[], { anchors = true }: MatcherOptions = {}): Matcher {
  // Rules checked at build time compile on first use: a pre-commit scan of five files whose keywords hit
  // two rules should not pay for compiling two hundred. Any other rule compiles now, so a bad pattern is
  // an error at load time, naming its file.
  const compiled: (CompiledRule | undefined)[] = rules.map((rule) => (rule.patternChecked ? undefined : compileRule(rule)));
  const { shards, rulesByKeyword } = compilePrefilter(rules);
  const exactCase = rules.map(caseExactKeywords);
  // Read from each pattern on its first run (false: not anchored), like the lazy compile: startup stays cheap.
  const anchored: (CompiledAnchor | false | undefined)[] = rules.map(() => (anchors ? undefined : false));
  const work: MatcherWork = { chunks: 0, bytesPrefiltered: 0, setPasses: 0, exactRuns: 0, bytesExactScanned: 0, caseMisses: 0, anchoredTries: 0 };

  function runExact(ruleIndex: number, data: Buffer, out: Candidate[], folded: FoldedChunk): void {
    const rule = (compiled[ruleIndex] ??= compileRule(rules[ruleIndex]!));
    const anchor = (anchored[ruleIndex] ??= anchorOf(rules[ruleIndex]!));
    if (anchor !== false) {
      runAnchored(ruleIndex, rule, anchor, data, out, folded);
      return;
    }
    runPlain(ruleIndex, rule, data, out);
  }

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
   * The pattern tried where each of its leading literals occurs (less `offset` bytes for a boundary group),
   * left to right, skipping places inside the last match: every match starts at such a place, so this
   * finds what a pass over the chunk finds, in the same order.
   */
  function runAnchored(ruleIndex: number, rule: CompiledRule, anchor: CompiledAnchor, data: Buffer, out: Candidate[], folded: FoldedChunk): void {
    const starts: number[] = [];
    if (anchor.folded === undefined) {
      for (const literal of anchor.literals) {
        for (let at = data.indexOf(literal); at !== -1; at = data.indexOf(literal, at + 1)) starts.push(Math.max(0, at - anchor.offset));
      }
    } else {
      // RE2 folds k and s with the Kelvin sign and the long s too, which no ASCII search sees: such a chunk gets the plain pass.
      if (anchor.foldsBeyondAscii && folded.holdsUnicodeFolds()) {
        runPlain(ruleIndex, rule, data, out);
        return;
      }
      const text = folded.text();
      for (const literal of anchor.folded) {
        for (let at = text.indexOf(literal); at !== -1; at = text.indexOf(literal, at + 1)) starts.push(Math.max(0, at - anchor.offset));
      }
    }
    if (starts.length === 0) {
      work.caseMisses++;
      return;
    }
    work.exactRuns++;
    if ((anchor.folded ?? anchor.literals).length > 1) starts.sort((a, b) => a - b);
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

  return {
    ruleCount: rules.length,
    prefilterShards: shards.length,
    work,
    find(data) {
      work.chunks++;
      work.bytesPrefiltered += data.length;
      const candidates: Candidate[] = [];
      if (data.length === 0) return candidates;
      let hitRules: Set<number> | undefined;
      for (const shard of shards) {
        work.setPasses++;
        const hits = shard.set.match(data);
        for (const keywordIndex of hits) {
          for (const ruleIndex of rulesByKeyword[shard.firstKeyword + keywordIndex]!) {
            (hitRules ??= new Set()).add(ruleIndex);
          }
        }
      }
      if (hitRules === undefined) return candidates;
      const folded = foldedText(data);
      for (const ruleIndex of [...hitRules].sort((a, b) => a - b)) {
        const literals = exactCase[ruleIndex];
        // An anchored rule searches for its literals anyway: the check would only read the chunk twice.
        if (literals !== undefined && (anchored[ruleIndex] ??= anchorOf(rules[ruleIndex]!)) === false && !literals.some((literal) => data.includes(literal))) {
          work.caseMisses++;
          continue;
        }
        runExact(ruleIndex, data, candidates, folded);
      }
      return candidates;
    },
    findWithRule(ruleIndex, data) {
      const candidates: Candidate[] = [];
      runExact(ruleIndex, data, candidates, foldedText(data));
      return candidates;
    },
  };
}

/**
 * The keywords as byte strings when the rule can only match with one of them in exactly that case, else
 * undefined. The prefilter folds case (one Set serves all rules), so `akid` inside a hex digest wakes a
 * rule for `AKID…`: on the 200 MB benchmark corpus three such prefixes (`AKID`, `EAA`, `00D`) made 7,521
 * of the 9,034 pattern runs (417 of 533 MB), all in vain. A case-sensitive pattern (no `(?i)`) that
 * spells each keyword in one case only, the keyword's, matches only where that spelling is: one
 * `Buffer.includes` per keyword rules the rest out. `rules check` runs every example through this path.
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
  const anchor: Anchor | undefined = keywordAnchor(rule.pattern);
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

interface PrefilterShard {
  set: InstanceType<typeof RE2.Set>;
  firstKeyword: number;
}

function compilePrefilter(rules: readonly Rule[]): { shards: PrefilterShard[]; rulesByKeyword: number[][] } {
  const indexOfKeyword = new Map<string, number>();
  const keywords: string[] = [];
  const rulesByKeyword: number[][] = [];
  rules.forEach((rule, ruleIndex) => {
    for (const keyword of rule.keywords) {
      const folded = keyword.toLowerCase();
      let index = indexOfKeyword.get(folded);
      if (index === undefined) {
        index = keywords.length;
        indexOfKeyword.set(folded, index);
        keywords.push(folded);
        rulesByKeyword.push([]);
      }
      const owners = rulesByKeyword[index]!;
      if (!owners.includes(ruleIndex)) owners.push(ruleIndex);
    }
  });
  const shards: PrefilterShard[] = [];
  for (let first = 0; first < keywords.length; first += MAX_KEYWORDS_PER_SET) {
    const patterns = keywords.slice(first, first + MAX_KEYWORDS_PER_SET).map(escapeLiteral);
    shards.push({ set: new RE2.Set(patterns, 'i'), firstKeyword: first });
  }
  return { shards, rulesByKeyword };
}

function escapeLiteral(literal: string): string {
  return literal.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
