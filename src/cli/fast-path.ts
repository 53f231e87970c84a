import { FORMATS, type Format } from '../report/types.js';
import { processIo } from './io.js';
import { reportError } from './report-error.js';
import { runScan, type ScanArgs } from './scan-command.js';

/**
 * The hooks' own command lines (`keyward scan --staged`, `keyward scan --pre-push`, with -q, --format,
 * --config or --baseline) skip the argument parser: loading yargs costs more than the scan of a small
 * commit. Anything else, or anything unusual, goes through yargs as always, so help, errors and
 * suggestions stay in one place.
 */
export function hookScanArgs(argv: readonly string[]): ScanArgs | undefined {
  if (argv[0] !== 'scan') return undefined;
  const args: ScanArgs = { paths: ['.'], format: 'text', builtinRules: true, redact: true, ignoreFiles: true, quiet: false, stdin: false, explain: false };
  let path: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string | undefined => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) return undefined;
      i++;
      return next;
    };
    if (arg === '--staged') args.staged = true;
    else if (arg === '--pre-push') args.prePush = true;
    else if (arg === '-q' || arg === '--quiet') args.quiet = true;
    else if (arg === '--format' || arg === '-f') {
      const format = value();
      if (format === undefined || !(FORMATS as readonly string[]).includes(format)) return undefined;
      args.format = format as Format;
    } else if (arg === '--config' || arg === '--baseline') {
      const file = value();
      if (file === undefined) return undefined;
      if (arg === '--config') args.config = file;
      else args.baseline = file;
    } else if (!arg.startsWith('-') && path === undefined) path = arg;
    else return undefined;
  }
  if (args.staged === args.prePush) return undefined;
  if (path !== undefined) args.paths = [path];
  return args;
}

/** Runs a hook scan if `argv` is one; answers whether it did. Errors print as main() prints them. */
export async function runHookFastPath(argv: readonly string[]): Promise<boolean> {
  const args = hookScanArgs(argv);
  if (args === undefined) return false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    process.exitCode = await runScan(args, processIo());
  } catch (error) {
    process.exitCode = reportError(error, false);
  }
  return true;
}
