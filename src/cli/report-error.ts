import { KeywardError } from '../errors.js';
import { escapeControl } from '../report/escape.js';

/**
 * How every command ends on an error: a KeywardError is one line (and its hint), anything else is a bug
 * reported in one line with a pointer to --debug; a stack trace only with --debug. Returns the exit code.
 */
export function reportError(error: unknown, debug: boolean): number {
  if (error instanceof KeywardError) {
    process.stderr.write(`keyward: error: ${escapeControl(error.message)}\n${error.hint ? `hint: ${escapeControl(error.hint)}\n` : ''}`);
    if (debug) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`keyward: internal error: ${escapeControl(message.split('\n')[0]!)}\n`);
  process.stderr.write(debug && error instanceof Error ? `${error.stack}\n` : 'hint: run again with --debug for the stack trace, and report it\n');
  return 2;
}
