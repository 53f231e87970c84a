import yargs, { type Argv } from 'yargs';
import { KeywardError } from '../errors.js';
import { reportError } from './report-error.js';
import { TOOL_VERSION } from '../version.js';
import { baselineCommand } from './baseline-command.js';
import { installHookCommand } from './hook-command.js';
import { keysCommand } from './keys-command.js';
import { serveCommand } from './serve-command.js';
import { rulesCommand } from './rules-command.js';
import { scanCommand } from './scan-command.js';
import { checkOptionRanges } from './option-ranges.js';
import { closest } from './suggest.js';
import { withholdInError } from './withhold.js';

/** `argv` is what the user typed (positions in messages count from it). */
function buildCli(argv: string[], typed: readonly string[]): Argv {
  const cli: Argv = yargs(argv);
  return cli
    .scriptName('keyward')
    .usage('$0 <command> [options]\n\nFind leaked API keys in files and git history; issue keys that are easy to find and revoke.')
    .command(scanCommand)
    .command(rulesCommand)
    .command(installHookCommand)
    .command(baselineCommand)
    .command(keysCommand)
    .command(serveCommand)
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces for unexpected errors' })
    .middleware((parsed) => checkOptionRanges(parsed, argv))
    .demandCommand(1, 'name a command, e.g. keyward scan')
    .recommendCommands()
    .strict()
    .version(TOOL_VERSION)
    .alias('h', 'help')
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      // yargs quotes what was typed; a key pasted as an argument is named by its position instead.
      throw withholdInError(new KeywardError(withSuggestion(message ?? 'invalid usage', cli), { hint: 'run keyward --help (or keyward <command> --help)' }), typed);
    });
}

/** `Unknown argument: fromat` becomes `… (did you mean --format?)`. */
function withSuggestion(message: string, instance: Argv): string {
  const command = /^Did you mean (.+)\?$/.exec(message);
  if (command !== null) return `unknown command (did you mean ${command[1]}?)`;
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown === null) return message;
  const known = Object.keys((instance as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
  // yargs names a kebab-case flag twice (`body-bits, bodyBits`): once is enough.
  const typedWords = [...new Set(unknown[1]!.split(', ').map((word) => word.replace(/^-+/, '')))];
  const camel = (word: string) => word.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
  const words = typedWords.filter((word) => !typedWords.some((other) => other !== word && other.includes('-') && camel(other) === word));
  const hints = words
    .map((word) => {
      const guess = closest(word.replace(/^-+/, ''), known.filter((key) => key.length > 1));
      return guess === undefined ? `--${word.replace(/^-+/, '')}` : `--${word.replace(/^-+/, '')} (did you mean --${guess}?)`;
    });
  return `unknown option ${hints.join(', ')}`;
}

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // A closed pipe (`keyward scan | head`) is the reader's choice, not a failure.
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    // yargs drops a bare `-`, the usual spelling of "read stdin"; it becomes --stdin.
    await buildCli(argv.map((arg) => (arg === '-' ? '--stdin' : arg)), argv).parseAsync();
  } catch (error) {
    // Commands' own errors may quote an argument too (a key given as --prefix): the same rule applies.
    process.exitCode = reportError(withholdInError(error, argv), debug);
  }
}
