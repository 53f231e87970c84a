/**
 * The generic scorer: credentials named by their context rather than by a prefix. The rules in
 * rules/generic.yml marked `scorer:` name the syntax families; their patterns, joined into one RE2 pass,
 * pick the lines worth reading; ./extract.ts pulls (name, value) pairs out of those lines; the name, the
 * value and the file's path each add to one score, and the score is the finding's confidence. Nothing is
 * decided by one signal alone, and nothing here knows where the bytes came from beyond the path string.
 */
import { compileLineSelector, type LineSelector } from '../../matcher/selector.js';
import type { Rule, Severity } from '../../rules/types.js';
import { countDrop, type DetectStats, type Detection } from '../detect.js';
import { extractLine, type Family, type RawCandidate } from './extract.js';
import { fileContext } from './file-context.js';
import { isTextbookJwt } from './jwt.js';
import { scoreName } from './name.js';
import { scoreValue } from './value.js';

export type Confidence = 'high' | 'medium' | 'low';
export const CONFIDENCES: readonly Confidence[] = ['low', 'medium', 'high'];
/** Chosen for precision ≥ 0.85 on the labelled tuning set: `low` is opt-in (--min-confidence low). */
export const DEFAULT_MIN_CONFIDENCE: Confidence = 'medium';

const THRESHOLDS: Record<Confidence, number> = { high: 0.8, medium: 0.6, low: 0.4 };

export const FAMILIES: readonly Family[] = ['assignment', 'env', 'url', 'connection-string', 'cli', 'http', 'query', 'jwt'];

export interface GenericScorer {
  selector: LineSelector;
  /** Code files: without the families of unquoted config values, whose lines code is full of (`token = await …`). */
  codeSelector: LineSelector | undefined;
  /** Lockfiles: only the families of credentials inside URLs (see FileContext.lockfile); compiled on first use. */
  readonly lockfileSelector: LineSelector | undefined;
  ruleOf: Map<Family, Rule>;
}

/** Families whose values are unquoted words: in code such a word is an expression, never a literal. */
const CONFIG_ONLY: ReadonlySet<Family> = new Set(['env']);
/** Families whose credentials sit inside a URL: the only ones a lockfile, which a tool writes, can hold. */
const IN_URLS: ReadonlySet<Family> = new Set(['url', 'query']);

export interface ScoreOptions {
  minConfidence: Confidence;
  /** Collect one line per candidate for --explain. */
  explain: boolean;
  /** 1-based line of a byte offset, for --explain lines. */
  lineOf?: (offset: number) => number;
}

/** The scorer for the `scorer:` rules among `rules`, or undefined when there are none. */
export function compileScorer(rules: readonly Rule[]): GenericScorer | undefined {
  const ruleOf = new Map<Family, Rule>();
  for (const rule of rules) {
    if (rule.scorer !== undefined && !ruleOf.has(rule.scorer as Family)) ruleOf.set(rule.scorer as Family, rule);
  }
  if (ruleOf.size === 0) return undefined;
  const selectorOf = (keep: (family: Family) => boolean) => {
    const patterns = [...ruleOf.entries()].filter(([family]) => keep(family)).map(([, rule]) => rule.pattern);
    return patterns.length === 0 ? undefined : compileLineSelector(patterns);
  };
  let lockfileSelector: LineSelector | undefined | null = null;
  return {
    selector: selectorOf(() => true)!,
    codeSelector: selectorOf((family) => !CONFIG_ONLY.has(family)),
    // A hook's startup should not pay for a regex that most commits never need.
    get lockfileSelector() {
      if (lockfileSelector === null) lockfileSelector = selectorOf((family) => IN_URLS.has(family));
      return lockfileSelector;
    },
    ruleOf,
  };
}

export function confidenceOf(score: number): Confidence | undefined {
  if (score >= THRESHOLDS.high) return 'high';
  if (score >= THRESHOLDS.medium) return 'medium';
  if (score >= THRESHOLDS.low) return 'low';
  return undefined;
}

const SEVERITY_OF: Record<Confidence, Severity> = { high: 'high', medium: 'medium', low: 'low' };
const ONE_LOWER: Record<Severity, Severity> = { critical: 'high', high: 'medium', medium: 'low', low: 'info', info: 'info' };

export interface Scored {
  score: number | undefined;
  signals: string[];
  severity?: Severity;
}

/** The score of one candidate from everything known about it. */
export function scoreCandidate(candidate: RawCandidate, pathScore: number, pathSignals: string[]): Scored {
  const signals: string[] = [];
  let nameScore: number;
  let strength: 'strong' | 'weak' | 'none';
  let saysHash = false;
  let headIsKey = false;
  if (candidate.implied !== undefined) {
    nameScore = 0.5;
    strength = 'strong';
    signals.push(`syntax: ${candidate.implied}`);
    if (candidate.name !== '' && candidate.family !== 'url' && candidate.family !== 'http' && candidate.family !== 'jwt') {
      const name = scoreName(candidate.name);
      if (name.score < 0) nameScore += name.score;
    }
  } else {
    const name = scoreName(candidate.name);
    nameScore = name.score;
    strength = name.strength;
    saysHash = name.saysHash;
    headIsKey = name.headIsKey;
    signals.push(`name "${candidate.name}": ${name.strength}`, ...name.signals);
    if (name.strength === 'none') return { score: undefined, signals: [...signals, 'name is not credential-like'] };
  }
  if (candidate.jwt !== undefined) {
    const jwt = candidate.jwt;
    let score = 0.85 + pathScore;
    let severity: Severity | undefined;
    signals.push(`JWT alg ${jwt.alg}${jwt.exp === undefined ? '' : `, exp ${new Date(jwt.exp * 1000).toISOString()}`}`);
    if (isTextbookJwt(candidate.value)) {
      score -= 0.3;
      signals.push('textbook claims (sub 1234567890 / John Doe)');
    }
    if (jwt.alg.toLowerCase() === 'none' || jwt.expired === true) {
      severity = ONE_LOWER[SEVERITY_OF[confidenceOf(score) ?? 'low']];
      signals.push(jwt.expired === true ? 'expired: lower severity' : 'alg none: lower severity');
    }
    return { score, signals: [...signals, ...pathSignals], ...(severity === undefined ? {} : { severity }) };
  }
  const value = scoreValue(candidate.value, {
    quoted: candidate.quoted,
    code: candidate.code,
    ...(candidate.literalBare === true ? { literalBare: true } : {}),
    nameStrength: strength,
    saysHash,
    headIsKey,
    name: candidate.name.toLowerCase(),
  });
  signals.push(...value.signals);
  if (value.score === undefined) return { score: undefined, signals };
  let valueScore = value.score;
  // A weak name (`key`) needs a value that looks random to count for much.
  if (strength === 'weak' && !(candidate.value.length >= 16 && value.signals.some((s) => /relative entropy (?:0\.(?:8[5-9]|9\d)|1\.)/.test(s)))) valueScore *= 0.6;
  let score = nameScore + valueScore + pathScore;
  if (candidate.user !== undefined && candidate.user.toLowerCase() === candidate.value.toLowerCase()) {
    score -= 0.35;
    signals.push('password equals the user');
  }
  if (candidate.localHost === true) {
    score -= 0.1;
    signals.push('local or documentation host');
  }
  if (candidate.family === 'query' && strength !== 'strong') score -= 0.1;
  if (candidate.inSignature === true) {
    score -= 0.2;
    signals.push('default value of a function parameter');
  }
  // A bearer-style token is a machine string: a short or one-class word after `Token`/`Bot` is prose.
  if (candidate.family === 'http' && candidate.decoded === undefined && (candidate.value.length < 8 || !/(?=.*[0-9])|(?=.*[A-Z].*[a-z])|(?=.*[a-z].*[A-Z])/.test(candidate.value) || /^[a-z]+$/.test(candidate.value))) {
    return { score: undefined, signals: [...signals, 'not token-shaped'] };
  }
  return { score, signals: [...signals, ...pathSignals] };
}

/** Generic detections in `data`, scored; candidates under the floor are counted, not returned. */
export function scoreChunk(scorer: GenericScorer, data: Buffer, path: string, options: ScoreOptions, stats?: DetectStats & { explained?: string[] }): Detection[] {
  const found: Detection[] = [];
  const file = fileContext(path);
  let isSecretManifest: boolean | undefined;
  // One search of the whole chunk, made only when a value could be a Secret's base64 `data:` entry.
  const kubernetesSecret = () => (isSecretManifest ??= data.includes('kind: Secret'));
  const floor = THRESHOLDS[options.minConfidence];
  const selector = file.lockfile ? scorer.lockfileSelector : file.syntax === 'code' ? scorer.codeSelector : scorer.selector;
  if (selector === undefined) return found;
  const seen = new Set<string>();
  const scoreLine = (start: number, end: number) => {
    const text = data.toString('utf8', start, end);
    const ascii = text.length === end - start;
    // A notebook's cells are JSON strings: `"key = \"…\"\n",` is code, wrapped and with its quotes escaped.
    // The wrapper becomes spaces (offsets stay), then each `\"` a quote (offsets are mapped back).
    const unwrapped = file.notebook ? unwrapNotebookLine(text) : text;
    const escapes = file.notebook && unwrapped.includes('\\"') ? escapedQuotes(unwrapped) : undefined;
    const line = escapes === undefined ? unwrapped : unwrapped.replaceAll('\\"', '"');
    const original = (offset: number) => (escapes === undefined ? offset : offset + escapesBefore(escapes, offset));
    const linesBefore = (count: number): string[] => {
      const lines: string[] = [];
      let end = start - 1;
      while (lines.length < count && end >= 0) {
        const from = end === 0 ? 0 : data.lastIndexOf(10, end - 1) + 1;
        lines.push(data.toString('utf8', Math.max(from, end - 1024), end).replace(/\r$/, ''));
        end = from - 1;
      }
      return lines;
    };
    for (const candidate of extractLine(line, { syntax: file.syntax, kubernetesSecret, linesBefore, literalBare: file.literalBare })) {
      const rule = scorer.ruleOf.get(candidate.family);
      if (rule === undefined) continue;
      const [from, to] = [original(candidate.start), original(candidate.end)];
      const byteStart = start + (ascii ? from : Buffer.byteLength(text.slice(0, from)));
      const byteEnd = start + (ascii ? to : Buffer.byteLength(text.slice(0, to)));
      const key = `${byteStart}:${candidate.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const { score, signals, severity } = scoreCandidate(candidate, file.score, file.signals);
      const confidence = score === undefined ? undefined : confidenceOf(score);
      const kept = score !== undefined && confidence !== undefined && score >= floor;
      if (options.explain && stats !== undefined) {
        const explained = (stats.explained ??= []);
        if (explained.length < MAX_EXPLAINED) {
          const where = options.lineOf === undefined ? path : `${path}:${options.lineOf(byteStart)}`;
          const verdict = score === undefined ? 'not a credential' : `${score.toFixed(2)} ${confidence ?? 'below low'}${kept ? '' : ' (under the floor)'}`;
          explained.push(`${where} ${rule.id} ${candidate.name === '' ? '' : `name=${JSON.stringify(candidate.name)} `}value=${redactValue(candidate.value)} → ${verdict}: ${signals.join('; ')}`);
        }
      }
      if (!kept) {
        countDrop(stats, score === undefined ? 'not-credential' : 'confidence', rule.id);
        continue;
      }
      found.push({
        rule,
        start: byteStart,
        end: byteEnd,
        secret: candidate.value,
        score: Math.round(score * 100) / 100,
        confidence,
        severity: severity ?? SEVERITY_OF[confidence],
        ...(candidate.decoded === undefined ? {} : { decoded: candidate.decoded }),
        ...(candidate.jwt === undefined ? {} : { jwt: candidate.jwt }),
      });
    }
  };
  selector.forEachLine(data, ({ start, end }) => {
    if (end - start <= LONG_LINE_BYTES) return scoreLine(start, end);
    // A minified bundle is one huge line: score it in overlapping pieces, so memory and time follow the
    // piece, not the line (a credential is far shorter than the overlap).
    for (let from = start; from < end; from += LONG_LINE_BYTES - LONG_LINE_OVERLAP) {
      scoreLine(from, Math.min(end, from + LONG_LINE_BYTES));
      if (from + LONG_LINE_BYTES >= end) break;
    }
  });
  return found;
}

const LONG_LINE_BYTES = 16 * 1024;
const LONG_LINE_OVERLAP = 1024;

export const MAX_EXPLAINED = 2000;

/** The few characters --explain may show of a candidate value. */
function redactValue(value: string): string {
  const visible = Math.min(4, Math.floor(value.length / 4));
  return `${JSON.stringify(value.slice(0, visible)).slice(0, -1)}…" (${value.length} chars)`;
}

function unwrapNotebookLine(text: string): string {
  const open = /^[ \t]*"/.exec(text);
  const close = /(?:\\n)?",?[ \t\r]*$/.exec(text);
  if (open === null || close === null || close.index < open[0].length) return text;
  return `${' '.repeat(open[0].length)}${text.slice(open[0].length, close.index)}${' '.repeat(text.length - close.index)}`;
}

/** Where each `\"` of a notebook line starts, counted in the unescaped line (one character shorter for each). */
function escapedQuotes(text: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf('\\"'); i !== -1; i = text.indexOf('\\"', i + 2)) at.push(i - at.length);
  return at;
}

/** How many backslashes the unescaping removed before `offset` of the unescaped line. */
function escapesBefore(escapes: readonly number[], offset: number): number {
  let count = 0;
  while (count < escapes.length && escapes[count]! < offset) count++;
  return count;
}
