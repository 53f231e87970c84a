import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect } from '../src/engine/detect.js';
import { createEngine } from '../src/engine/index.js';
import { keywordAnchor } from '../src/matcher/anchors.js';
import { compileMatcher, MAX_KEYWORDS_PER_SET, type Candidate } from '../src/matcher/index.js';
import { loadRules, loadRulesWithExamples } from '../src/rules/load.js';
import type { Rule } from '../src/rules/types.js';
import { REPO_ROOT, xorshift32 } from './helpers.js';

function rule(id: string, keywords: string[], pattern: string): Rule {
  return {
    id,
    name: id,
    description: id,
    severity: 'high',
    precision: 'high',
    tags: [],
    keywords,
    pattern,
    allowPlaceholders: false,
    references: [],
    examples: [],
    negativeExamples: [],
    source: { file: 'test', line: 1 },
  };
}

describe('matcher', () => {
  it('reports byte offsets of the first capture group, past multi-byte characters', () => {
    const matcher = compileMatcher([rule('a', ['tok_'], '"(tok_[a-z]{6})"')]);
    const data = Buffer.from('é€ = "tok_abcdef" "tok_ghijkl"');
    const found = matcher.find(data);
    expect(found.map((c) => data.toString('utf8', c.start, c.end))).toEqual(['tok_abcdef', 'tok_ghijkl']);
    expect(found[0]!.start).toBe(Buffer.byteLength('é€ = "'));
  });

  it('runs an exact pattern only where the prefilter saw one of its keywords (case-insensitively)', () => {
    const matcher = compileMatcher([rule('a', ['alpha_'], '(alpha_[0-9]{4})'), rule('b', ['beta_'], '(BETA_[0-9]{4})')]);
    expect(matcher.find(Buffer.from('nothing here')).length).toBe(0);
    expect(matcher.work.exactRuns).toBe(0);
    expect(matcher.find(Buffer.from('x BETA_1234')).map((c) => c.ruleIndex)).toEqual([1]);
    expect(matcher.work.exactRuns).toBe(1);
  });

  it('skips a case-sensitive rule whose keyword is there only in another case, and keeps (?i) rules', () => {
    const matcher = compileMatcher([
      rule('prefix', ['AKID'], '(AKID[0-9A-Za-z]{8})'),
      rule('folded', ['tenant_'], '(?i)(tenant_[0-9a-f]{8})'),
      rule('either-case', ['XYZ'], '((?:XYZ|xyz)[0-9]{4})'),
    ]);
    // A hex digest holds `akid` and `xyz` in lower case: the prefilter (case-folded) names both rules.
    expect(matcher.find(Buffer.from('sha 9f3akid0c1e2 xyz1234'))).toEqual([expect.objectContaining({ ruleIndex: 2 })]);
    expect(matcher.work.caseMisses).toBe(1);
    expect(matcher.work.exactRuns).toBe(1);
    const data = Buffer.from('id AKIDab12CD34 and TENANT_0a1b2c3d');
    expect(matcher.find(data).map((c) => data.toString('utf8', c.start, c.end)).sort()).toEqual(['AKIDab12CD34', 'TENANT_0a1b2c3d']);
  });

  it('gives a chunk dense with a keyword to a Set and a search per rule, and a dense literal to one pass, finding the same', () => {
    const rules = [rule('dense', ['zz'], '(zz_[0-9]{4})'), rule('anchored', ['AAAA'], '(AAAA[0-9]{6})'), rule('rare', ['qq_'], '(qq_[0-9]{4})')];
    const anchored = compileMatcher(rules, { placesAfterBytes: 0 });
    const plain = compileMatcher(rules, { anchors: false });
    const dense = Buffer.from(`${'zz'.repeat(50_000)} zz_1234 qq_5678 ${'A'.repeat(100_000)}123456`);
    const found = sortCandidates(anchored.find(dense));
    expect(found.map((c) => dense.toString('utf8', c.start, c.end))).toEqual(['zz_1234', 'AAAA123456', 'qq_5678']);
    expect(found).toEqual(sortCandidates(plain.find(dense)));
    // The pass gave up within its budget of places, and the Set ran instead of a regex call per `zz`.
    expect(anchored.work.keywordPlaces).toBeLessThan(1000);
    expect(anchored.work.prefilterPasses).toBe(2);
    // One try each at `zz_` and `qq_`; `AAAA` is at every byte of the run, so that pattern ran once over the chunk instead.
    expect(anchored.work.anchoredTries).toBe(2);
    expect(anchored.work.bytesExactScanned).toBe(dense.length);
    // The rule's own search for `AAAA` stopped at its budget of places instead of listing 100,000.
    expect(anchored.work.literalSearchPlaces).toBeLessThan(1000);
    const sparse = Buffer.from(`${'x'.repeat(4096)} AAAA654321 zz_4321`);
    expect(sortCandidates(anchored.find(sparse)).map((c) => sparse.toString('utf8', c.start, c.end))).toEqual(['zz_4321', 'AAAA654321']);
    expect(anchored.work.anchoredTries).toBe(4);
  });

  it('shards the prefilter past its keyword budget and still finds every rule', () => {
    const rules = Array.from({ length: MAX_KEYWORDS_PER_SET + 10 }, (_, i) => rule(`r${i}`, [`kw${i}x_`], `(kw${i}x_[0-9]{3})`));
    const last = rules.length - 1;
    for (const placesAfterBytes of [0, Infinity]) {
      const matcher = compileMatcher(rules, { placesAfterBytes });
      expect(matcher.prefilterShards).toBe(2);
      // The last rule's literal sits in the second shard, found before the first rule's in the text.
      const text = `a kw${last}x_456 b kw0x_123 kw${last}x_789`;
      const span = (ruleIndex: number, secret: string) => ({ ruleIndex, start: text.indexOf(secret), end: text.indexOf(secret) + secret.length });
      expect(matcher.find(Buffer.from(text))).toEqual([span(0, 'kw0x_123'), span(last, `kw${last}x_456`), span(last, `kw${last}x_789`)]);
      expect(matcher.work.keywordPlaces > 0).toBe(placesAfterBytes === 0);
    }
  });
});

describe('the prefilter compiled from rules/', () => {
  // What the engine compiles: credential-file rules with a path condition sit in a matcher of their own,
  // run only on their files, so their common keywords (`password`) never reach ordinary source.
  const engine = createEngine(loadRules(), { revealSecrets: false });
  const { matcher, rules } = engine;

  it('ships each built-in rule with the anchor its pattern gives, read at build time', () => {
    const builtin = loadRules().filter((r) => r.patternChecked === true);
    expect(builtin.length).toBeGreaterThan(600);
    for (const r of builtin) expect(r.anchor, r.id).toEqual(keywordAnchor(r.pattern) ?? null);
    expect(builtin.filter((r) => r.anchor !== null).length).toBeGreaterThan(500);
  });

  it('leaves the rules with a path condition out of the main matcher', () => {
    expect(rules.some((rule) => rule.pathPattern !== undefined)).toBe(false);
    expect(engine.pathRules?.rules.length).toBeGreaterThanOrEqual(10);
  });

  it('keeps the keyword pass to literals and the exact patterns off most of real source code', () => {
    // A fixed sample of real third-party JavaScript, pinned by the lockfile.
    const sample = readFileSync(join(REPO_ROOT, 'node_modules', 'typescript', 'lib', 'typescript.js'));
    const chunkSize = 16 * 1024;
    let detections = 0;
    for (let offset = 0; offset < sample.length; offset += chunkSize) {
      detections += detect(matcher, rules, sample.subarray(offset, offset + chunkSize)).length;
    }
    const { bytesPrefiltered, bytesExactScanned, prefilterPasses, chunks } = matcher.work;
    expect(bytesPrefiltered).toBe(sample.length);
    // One DFA pass per chunk, and exact patterns see at most a fifth of the bytes again.
    expect(prefilterPasses).toBe(chunks * matcher.prefilterShards);
    expect(matcher.prefilterShards).toBe(1);
    expect(bytesExactScanned / bytesPrefiltered).toBeLessThan(0.2);
    expect(detections).toBe(0);
  });
});

function sortCandidates(candidates: Candidate[]): Candidate[] {
  return [...candidates].sort((a, b) => a.ruleIndex - b.ruleIndex || a.start - b.start || a.end - b.end);
}

describe('keyword-anchored patterns', () => {
  it('reads which patterns can only start at a literal, and says no to anything else', () => {
    expect(keywordAnchor('(ghp_[0-9A-Za-z]{36})')).toEqual({ literals: ['ghp_'], offset: 0, caseInsensitive: false });
    expect(keywordAnchor('((?:AKIA|ASIA|A3T[A-Z0-9])[A-Z2-7]{16})(?:[^0-9A-Za-z]|$)')).toEqual({ literals: ['AKIA', 'ASIA', 'A3T'], offset: 0, caseInsensitive: false });
    expect(keywordAnchor('(?:^|[^0-9A-Za-z.])(1000\\.[0-9a-f]{32})')).toEqual({ literals: ['1000.'], offset: 1, caseInsensitive: false });
    expect(keywordAnchor('(?P<token>xoxb-[0-9]{10,13})')).toEqual({ literals: ['xoxb-'], offset: 0, caseInsensitive: false });
    expect(keywordAnchor('(IG(?:QV|AA)[0-9A-Za-z]{100})')).toEqual({ literals: ['IGQV', 'IGAA'], offset: 0, caseInsensitive: false });
    expect(keywordAnchor('(AAP[KT][0-9A-Za-z]{90})')).toEqual({ literals: ['AAP'], offset: 0, caseInsensitive: false });
    expect(keywordAnchor('(?i:okx[\\w.-]{0,20}secret)[\\w .-]{0,30}')).toEqual({ literals: ['okx'], offset: 0, caseInsensitive: true });
    expect(keywordAnchor('(?i)(?:^|[^a-z])(Reddit|PRAW)_')).toEqual({ literals: ['reddit', 'praw'], offset: 1, caseInsensitive: true });
    expect(keywordAnchor('(?:(?i:snyk)|SNYK_)[0-9]{4}')).toEqual({ literals: ['snyk', 'snyk_'], offset: 0, caseInsensitive: true });
    expect(keywordAnchor('ab(?i:cdef)')).toBeUndefined(); // the flag comes after "ab", too short alone
    expect(keywordAnchor('abc(?i:def)')).toEqual({ literals: ['abc'], offset: 0, caseInsensitive: false });
    expect(keywordAnchor('(?i:(?:jira|confluence)[\\w.-]{0,20}token)')).toEqual({ literals: ['jira', 'confluence'], offset: 0, caseInsensitive: true });
    expect(keywordAnchor('(?is:okx)')).toBeUndefined();
    expect(keywordAnchor('(?:ab)+cd')).toBeUndefined(); // "ab" is too short to be worth a try at each
    expect(keywordAnchor('(?:abc)+d')).toEqual({ literals: ['abc'], offset: 0, caseInsensitive: false });
    // Not plainly anchored: an optional first atom, a top-level alternative, a class first, other flags, a repeat.
    expect(keywordAnchor('(x?oxb-[0-9]{10})')).toBeUndefined();
    expect(keywordAnchor('(ghp_[0-9a-z]{36})|(gho_[0-9a-z]{36})')).toBeUndefined();
    expect(keywordAnchor('((?:AKIA|[A-Z]SIA)[A-Z2-7]{16})')).toBeUndefined();
    expect(keywordAnchor('(?m)^(ghp_[0-9a-z]{36})')).toBeUndefined();
    expect(keywordAnchor('(?i)(ghp_[0-9a-z]{36})')).toEqual({ literals: ['ghp_'], offset: 0, caseInsensitive: true });
    expect(keywordAnchor('((?i:GHP_)[0-9a-z]{36})')).toEqual({ literals: ['ghp_'], offset: 0, caseInsensitive: true });
    expect(keywordAnchor('(?i)(é_token[0-9a-z]{36})')).toBeUndefined(); // folded non-ASCII is RE2's business
    expect(keywordAnchor('(?:ghp_)?([0-9a-z]{36})')).toBeUndefined();
    expect(keywordAnchor('(g+hp_[0-9a-z]{36})')).toBeUndefined();
    expect(keywordAnchor('(\\d{4}ghp_)')).toBeUndefined();
    expect(keywordAnchor('(gh[pq]_[0-9a-z]{36})')).toBeUndefined();
  });

  it('finds exactly what a pass over the chunk finds, for every built-in rule it applies to', () => {
    const rules = loadRulesWithExamples().filter((r) => r.scorer === undefined && r.pathPattern === undefined);
    // Places from the keyword pass from the first byte on; `bySet` never takes them (a hook's first megabyte).
    const anchored = compileMatcher(rules, { placesAfterBytes: 0 });
    const bySet = compileMatcher(rules, { placesAfterBytes: Infinity });
    const plain = compileMatcher(rules, { anchors: false });
    const next = xorshift32(20261201);
    const below = (n: number) => next() % n;
    const pick = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[below(alphabet.length)]).join('');
    const NOISE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.: \n"\'';
    let tried = 0;
    let examplesFound = 0;
    let throughPass = 0;
    rules.forEach((rule, index) => {
      if (keywordAnchor(rule.pattern) === undefined) return;
      tried++;
      // Each example as it is and after a space (a boundary group's byte before the keyword).
      const texts = rule.examples.flatMap((example) => [example.text, ` ${example.text}`]);
      // The keyword in noise, before and after word characters, twice in a row, and at both ends; the examples glued together.
      const pieces: string[] = [];
      // Each keyword as written, in upper and mixed case, and with k and s as RE2's other folds (U+212A, U+017F) spell them.
      const spellings = rule.keywords.flatMap((keyword) => [
        keyword,
        keyword.toUpperCase(),
        [...keyword].map((char, i) => (i % 2 === 0 ? char.toUpperCase() : char.toLowerCase())).join(''),
        keyword.replace(/k/gi, '\u212a').replace(/s/gi, '\u017f'),
      ]);
      for (let i = 0; i < 40; i++) pieces.push(pick(NOISE, below(40)), spellings[i % spellings.length]!, pick(NOISE, below(60)));
      // The examples again with their keyword spelled the other ways.
      for (const text of rule.examples.map((example) => example.text)) {
        for (const keyword of rule.keywords) {
          const spelled = new RegExp(keyword.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'), 'i');
          if (!spelled.test(text)) continue;
          pieces.push(text.replace(spelled, keyword.toUpperCase()), text.replace(spelled, (found) => found.replace(/k/gi, '\u212a').replace(/s/gi, '\u017f')));
        }
      }
      pieces.push(...texts, texts.join(''), rule.keywords[0]! + rule.keywords[0]!);
      for (const data of [Buffer.from(pieces.join('')), Buffer.from(texts.join(' ')), Buffer.from(`${rule.keywords[0]}${pieces.join('')}${rule.keywords[0]}`)]) {
        const found = anchored.findWithRule(index, data);
        expect(found, rule.id).toEqual(plain.findWithRule(index, data));
        examplesFound += found.length;
        // Through the keyword pass: what every rule whose keyword is there (in any case RE2 folds) finds on its own pass.
        const folded = data.toString('utf8').replace(/\u212a/g, 'k').replace(/\u017f/g, 's').toLowerCase();
        const expected = rules.flatMap((other, otherIndex) => (other.keywords.some((keyword) => folded.includes(keyword.toLowerCase())) ? plain.findWithRule(otherIndex, data) : []));
        const viaPass = anchored.find(data);
        expect(sortCandidates(viaPass), rule.id).toEqual(sortCandidates(expected));
        expect(sortCandidates(bySet.find(data)), rule.id).toEqual(sortCandidates(expected));
        throughPass += viaPass.filter((candidate) => candidate.ruleIndex === index).length;
      }
    });
    expect(tried).toBeGreaterThan(500);
    // RE2 folds k with the Kelvin sign: a key named with one is still found, through the plain pass.
    const okx = rules.findIndex((r) => r.id === 'okx-api-secret');
    const kelvin = Buffer.from('O\u212aX_SECRET_KEY=D142BE1A11E35DD5737915AA4636BA7D\n');
    expect(anchored.findWithRule(okx, kelvin)).toEqual([{ ruleIndex: okx, start: 17, end: 49 }]);
    expect(anchored.find(kelvin)).toContainEqual({ ruleIndex: okx, start: 17, end: 49 });
    expect(examplesFound).toBeGreaterThan(300);
    expect(throughPass).toBe(examplesFound);
    expect(anchored.work.keywordPlaces).toBeGreaterThan(1000);
    expect(bySet.work.keywordPlaces).toBe(0);
    expect(anchored.work.anchoredTries).toBeGreaterThan(0);
  });
});
