/**
 * A known, user-facing failure: one line naming the file, line or field, plus an optional hint.
 * The CLI prints `message` (and `hint`) and exits 2; anything that is not a KeywardError is a bug and
 * shows its stack only with --debug.
 */
export class KeywardError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeywardError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** A rule file that cannot be loaded: names the file and, where known, the line and rule id. */
export class RuleError extends KeywardError {
  readonly file: string;
  readonly line: number | undefined;
  readonly ruleId: string | undefined;

  constructor(file: string, detail: string, line?: number, ruleId?: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${ruleId === undefined ? '' : `rule ${ruleId}: `}${detail}`);
    this.name = 'RuleError';
    this.file = file;
    this.line = line;
    this.ruleId = ruleId;
  }
}

export class UsageError extends KeywardError {
  constructor(message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.name = 'UsageError';
  }
}

/** Node's errno codes turned into the words a user reads. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links (a symlink loop)';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a path component is not a directory';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
