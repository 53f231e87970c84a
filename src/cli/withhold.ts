import { detect } from '../engine/detect.js';
import { KeywardError } from '../errors.js';
import { compileMatcher } from '../matcher/index.js';
import { loadRules } from '../rules/load.js';
import { CHECKSUM_LENGTH, crc32Base62 } from '../validators/checksum.js';

/**
 * Usage errors quote what was typed; when what was typed is a key (pasted where an id or a flag belongs),
 * quoting it would put it in a terminal, a CI log or a bug report. This finds such arguments with the
 * built-in rules and the shape every keyward issuer key has, and rewrites a message so it names the
 * argument's position instead.
 */

/** `<prefix>_<id>_<body><6 base62 CRC32 of everything before>`: any keyward issuer's key, whatever its prefix. */
const ISSUER_KEY = /^[a-z][a-z0-9]{1,15}(?:_[a-z0-9]{1,15}){0,3}_[0-9A-Za-z]{6,24}_[0-9A-Za-z]{22,}$/;

export function looksLikeIssuerKey(text: string): boolean {
  return ISSUER_KEY.test(text) && crc32Base62(text.slice(0, -CHECKSUM_LENGTH)) === text.slice(-CHECKSUM_LENGTH);
}

type Detector = (text: string) => string[];
const WITHHELD = '[withheld: it looks like a key]';
let detector: Detector | undefined;

/** The built-in rules, compiled on first need (only an error path asks). */
function builtinDetector(): Detector {
  if (detector !== undefined) return detector;
  const rules = loadRules();
  const matcher = compileMatcher(rules);
  detector = (text) => {
    const data = Buffer.from(text, 'utf8');
    return detect(matcher, rules, data).map((detection) => detection.secret);
  };
  return detector;
}

/** The parts of an argument that may be a key: as typed, without dashes, and either side of an `=`. */
function partsOf(arg: string): string[] {
  const bare = arg.replace(/^-+/, '');
  const parts = new Set([arg, bare]);
  const eq = bare.indexOf('=');
  if (eq >= 0) {
    parts.add(bare.slice(0, eq));
    parts.add(bare.slice(eq + 1));
  }
  return [...parts];
}

/**
 * yargs also echoes an unknown flag camel-cased (`--sk-proj-x_y` as `skProjXY`): the key with its `-` and `_`
 * optional and letters in either case matches every spelling of it, and nothing else of that length.
 */
function echoesOf(key: string): RegExp {
  const escaped = [...key].map((char) => (char === '-' || char === '_' ? '[-_]?' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(escaped, 'gi');
}

export function withheldLabel(position: number): string {
  return `[argument ${position} withheld: it looks like a key]`;
}

/**
 * `message` with every echo of a key-like argument replaced by its position (1-based, as typed after
 * `keyward`), and anything else in it that a built-in rule matches withheld too.
 */
export function withholdKeys(message: string, argv: readonly string[]): string {
  // Keys are long and have no spaces: nothing else is worth loading the rules for.
  const plausible = (text: string) => text.length >= 16 && !/\s/.test(text);
  if (!argv.some(plausible) && !message.split(/\s+/).some(plausible)) return message;
  const detectIn = builtinDetector();
  const isKey = (text: string) => looksLikeIssuerKey(text) || detectIn(text).length > 0;
  let out = message;
  argv.forEach((arg, index) => {
    if (!plausible(arg)) return;
    const keys = partsOf(arg).filter((part) => plausible(part) && isKey(part));
    for (const key of keys.sort((a, b) => b.length - a.length)) out = out.replace(echoesOf(key), withheldLabel(index + 1));
  });
  for (const secret of detectIn(out)) if (secret.length > 0) out = out.split(secret).join(WITHHELD);
  return out.replace(/[a-z][a-z0-9]*_[0-9A-Za-z_]{30,}/g, (word) => (looksLikeIssuerKey(word) ? WITHHELD : word));
}

/** The same error with every key-like argument withheld from its message and hint (and stack, for --debug). */
export function withholdInError(error: unknown, argv: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  const scrub = (text: string) => withholdKeys(text, argv).replace(/--(\[argument \d+ withheld)/g, '$1');
  const message = scrub(error.message);
  const hint = error instanceof KeywardError && error.hint !== undefined ? scrub(error.hint) : undefined;
  if (message === error.message && hint === (error instanceof KeywardError ? error.hint : undefined)) return error;
  const copy =
    error instanceof KeywardError
      ? new KeywardError(message, { ...(hint === undefined ? {} : { hint }), exitCode: error.exitCode })
      : new Error(message);
  copy.stack = error.stack === undefined ? copy.stack : scrub(error.stack);
  return copy;
}
