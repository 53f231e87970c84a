/**
 * Paths, commit subjects and author names come from whoever wrote the repository: in a terminal a raw
 * escape sequence could repaint the screen or hide a finding. Control characters (C0, DEL, C1) and the
 * Unicode line and bidi overrides are shown as visible `\xNN` / `\u{…}` escapes; everything else is kept.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    if (char === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
