/**
 * Documentation and template values that look like keys but are not: `xxxx`, `EXAMPLE`, `${VAR}`,
 * `<your-key>`, `{{ token }}`, one character repeated, a plain ascending run. `body` is the secret
 * without its literal prefix, so `sk_live_` itself never makes a key look like a placeholder.
 */
const PLACEHOLDER_MARKERS = /\*{4,}|\.{3}|example|sample|dummy|placeholder|redacted|your[_-]?(?:api[_-]?)?(?:key|token|secret)|insert[_-]?|replace[_-]?me|changeme|\$\{|\{\{|<[a-z_-]+>|%[a-z_]+%/i;

/**
 * A typed run of x keeps one case (`xxxx`, `XXXX`); a mixed-case run (`xXxX`) is what a random base62
 * body spells about once in every 15,000 keys of 60 characters.
 */
const X_RUN = /x{4,}|X{4,}/;

const SEQUENCES = [
  '0123456789',
  'abcdefghijklmnopqrstuvwxyz',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
];

/** Whole values that are documentation, not secrets (`postgres://user:password@host`). */
const PLACEHOLDER_VALUES = new Set(['password', 'passwd', 'pass', 'secret', 'token', 'test', 'testing', 'admin', 'root', 'user', 'username', 'guest', 'demo', 'default', 'foobar', 'none', 'null', 'undefined', 'letmein', 'qwerty', 'mypassword', 'yourpassword', 'mysecret', 'yoursecret', 'secret123', 'password123', 'pass123', 'admin123']);

export function looksLikePlaceholder(body: string): boolean {
  if (body.length === 0) return true;
  if (PLACEHOLDER_VALUES.has(body.toLowerCase())) return true;
  if (PLACEHOLDER_MARKERS.test(body) || X_RUN.test(body)) return true;
  // `00000000-0000-0000-0000-000000000000`: separators do not make a repeated character random.
  if (isOneRepeatedCharacter(body.replace(/[-_.:/]/g, '') || body)) return true;
  return isPlainSequence(body);
}

function isOneRepeatedCharacter(body: string): boolean {
  const first = body[0];
  for (let i = 1; i < body.length; i++) if (body[i] !== first) return false;
  return true;
}

/** `abcdefgh…`, `12345678…`, or a short run repeated (`abcabcabc`, `1234512345`). */
function isPlainSequence(body: string): boolean {
  if (body.length < 8) return false;
  for (const sequence of SEQUENCES) {
    if (sequence.includes(body.slice(0, 8)) && sequence.includes(body)) return true;
  }
  for (let period = 1; period <= 8 && period * 3 <= body.length; period++) {
    let repeats = true;
    for (let i = period; i < body.length; i++) {
      if (body[i] !== body[i - period]) {
        repeats = false;
        break;
      }
    }
    if (repeats) return true;
  }
  return false;
}
