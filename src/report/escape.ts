/**
 * Paths, commit subjects, author names and rule text come from whoever wrote the repository. Printed raw
 * they can move the cursor, rewrite the terminal title (ANSI/OSC escapes), fake extra report lines
 * (newlines), reorder text (bidi controls), or run GitHub Actions workflow commands (a log line that starts
 * with `::`). Every human-readable output passes such text through here; JSON escapes on its own.
 */

// C0 and C1 controls, DEL, line/paragraph separators and the bidi embedding/override/isolate controls.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(character: string): string {
  const named = NAMED[character];
  if (named !== undefined) return named;
  const code = character.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** `text` with every control character shown as an escape (`\n`, `\x1b`, `\x07`, `\u{202e}`), and a leading `::` defused. */
export function escapeControl(text: string): string {
  const escaped = text.replace(UNSAFE, visible);
  // A workflow command is a log line starting with `::` (after blanks). Only text that may start a line
  // needs this, but doing it always keeps the rule simple.
  return escaped.replace(/^(\s*):/, '$1\\x3a');
}

/** Multi-line text (a warning list, the --explain table): each line escaped, the line breaks kept. */
export function escapeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeControl(line))
    .join('\n');
}

// What JSON.stringify leaves raw although a terminal acts on it: DEL, C1 controls, line/paragraph separators
// and the bidi controls (C0 controls it escapes itself).
// eslint-disable-next-line no-control-regex
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify, with the characters it leaves raw written as `\uXXXX` escapes: the same value, inert text. */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
