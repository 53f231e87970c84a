import type { Argv, CommandModule } from 'yargs';
import { relative } from 'node:path';
import { KeywardError } from '../errors.js';
import { DEFAULT_BASELINE_NAME } from '../pipeline/baseline-file.js';
import type { ScanOptions, ScanResult, SourceRequest } from '../pipeline/index.js';
import { FORMATS, type Format } from '../report/types.js';
import { holdYoungGenerations } from './heap.js';
import { outputWriter, parseSize, processIo, type CliIo } from './io.js';
import { NOISE_OPTIONS, type NoiseArgs } from './noise-options.js';
import { VERIFY_OPTIONS, verifyOptionsOf, type VerifyArgs } from './verify-options.js';

export interface ScanArgs extends NoiseArgs, VerifyArgs {
  paths: string[];
  format: Format;
  output?: string;
  rules?: string[];
  builtinRules: boolean;
  redact: boolean;
  /** Undefined: the config's max_file_size, else 10 MB. */
  maxFileSize?: string | number;
  threads?: number;
  ignoreFiles: boolean;
  quiet: boolean;
  stdin: boolean;
  history?: boolean;
  branches?: boolean;
  tags?: boolean;
  range?: string;
  since?: string;
  maxCount?: number;
  maxOccurrences?: number;
  staged?: boolean;
  prePush?: boolean;
  archives?: boolean;
  archiveDepth?: number;
  image?: string;
}

export function scanOptions<T>(yargs: Argv<T>) {
  return yargs
    .positional('paths', { type: 'string', array: true, default: ['.'], describe: 'Files or directories to scan; - reads stdin' })
    .option('format', { alias: 'f', choices: FORMATS, default: 'text' as Format, describe: 'Report format' })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to FILE instead of stdout' })
    .option('rules', { type: 'string', array: true, describe: 'Add the rules in DIR (or one YAML file) to the built-in rules; repeatable. Rules that rules check rejects are refused' })
    .option('builtin-rules', { type: 'boolean', default: true, describe: 'Run the built-in rules; --no-builtin-rules runs only --rules and the config\'s rules' })
    .option('redact', { type: 'boolean', default: true, describe: 'Redact secrets in reports; --no-redact prints them in full for local triage' })
    .option('max-file-size', { type: 'string', describe: 'Skip (and warn about) larger files, e.g. 10MB (default: the config, else 10MB)' })
    .option('threads', { type: 'number', describe: 'Worker threads (default: one per core; 1 scans on the main thread)' })
    .option('ignore-files', { type: 'boolean', default: true, describe: 'Honour .gitignore and .keywardignore; --no-ignore-files scans everything' })
    .option('stdin', { type: 'boolean', default: false, describe: 'Scan standard input (also spelled -)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No summary or progress on stderr' })
    .option('archives', { type: 'boolean', default: true, describe: 'Open zip/jar/tar/gz/bz2 archives and scan their members; --no-archives counts them instead' })
    .option('archive-depth', { type: 'number', describe: 'Open archives inside archives this many levels deep (default 2; 0 opens none)' })
    .option('image', { type: 'string', describe: 'Scan a container image: a `docker save` tarball or an OCI image layout (directory or tar)' })
    .options(NOISE_OPTIONS)
    .options(GIT_OPTIONS)
    .options(VERIFY_OPTIONS);
}

export const GIT_OPTIONS = {
  history: { type: 'boolean', describe: 'Scan every blob in the git history of PATH (all refs), each once, with the commit that introduced it' },
  branches: { type: 'boolean', describe: 'History of local branches only (implies --history)' },
  tags: { type: 'boolean', describe: 'History of tags only (implies --history)' },
  range: { type: 'string', describe: 'History of a revision range, e.g. main..feature (implies --history)' },
  since: { type: 'string', describe: 'History after REV: what the selected refs add since that commit (implies --history)' },
  'max-count': { type: 'number', describe: 'History of the last N commits (implies --history)' },
  'max-occurrences': { type: 'number', describe: 'History: list at most N places per secret in reports (default 100; the count is always complete)' },
  staged: { type: 'boolean', describe: 'Scan what will be committed (the index), reporting only added or changed lines: for pre-commit hooks' },
  'pre-push': { type: 'boolean', describe: "Scan the commits being pushed, as a pre-push hook's stdin names them" },
} as const;

export const scanCommand: CommandModule<object, ScanArgs> = {
  command: 'scan [paths..]',
  describe: 'Scan files and directories for leaked keys',
  builder: (yargs) =>
    scanOptions(yargs)
      .example('$0 scan', 'Scan the current directory (honours .gitignore)')
      .example('$0 scan src config.yml --format sarif -o keyward.sarif', 'Scan two paths, write SARIF for GitHub code scanning')
      .example('cat .env | $0 scan -', 'Scan stdin')
      .example('$0 scan --image app.tar', 'Scan every layer of a container image saved with docker save')
      .example('$0 scan --history', 'Scan the whole git history of the current repository')
      .example('$0 scan --staged', 'Scan the staged changes (what a pre-commit hook runs)')
      .example('$0 scan --no-redact --format json', 'Print secrets in full, for local triage only') as unknown as Argv<ScanArgs>,
  handler: async (args) => {
    process.exitCode = await runScan(args, processIo());
  },
};

/** Runs a scan described by CLI arguments; returns the exit code (0 clean, 1 findings, 2 nothing could be scanned). */
export async function runScan(args: ScanArgs, io: CliIo): Promise<number> {
  const source = await sourceOf(args, io);
  const output = outputWriter(io, args.output);
  // Loaded here, not at the top: `--help` and the hook fast path's argument check pay nothing for it.
  const { scan } = await import('../pipeline/index.js');
  const verify = await verifyOptionsOf(args);
  const options: ScanOptions = {
    source,
    redact: args.redact,
    ...(args.rules === undefined ? {} : { extraRules: args.rules }),
    ...(args.builtinRules === false ? { builtinRules: false } : {}),
    ...(args.config === undefined ? {} : { config: args.config }),
    ...(args.decodeDepth === undefined ? {} : { decodeDepth: args.decodeDepth }),
    ...(args.minConfidence === undefined ? {} : { minConfidence: args.minConfidence }),
    ...(args.explain === true ? { explainCandidates: true } : {}),
    ...(args.maxFileSize === undefined ? {} : { maxFileSize: parseSize(args.maxFileSize, '--max-file-size') }),
    ...(args.threads === undefined ? {} : { threads: Math.max(1, Math.floor(args.threads)) }),
    ...(args.archives === false ? { archives: false } : {}),
    ...(args.archiveDepth === undefined ? {} : { archiveDepth: args.archiveDepth }),
    ...(args.baseline === undefined ? {} : { baseline: args.baseline }),
    ...(args.baselineWrite === undefined ? {} : { baselineWrite: args.baselineWrite }),
    ...(args.baselineAdd === undefined ? {} : { baselineAdd: args.baselineAdd }),
    ...(verify === undefined ? {} : { verify }),
    output: { format: args.format, write: output.write, color: io.color && args.output === undefined },
    onWarning: (message) => io.stderr(`keyward: warning: ${message}\n`),
    onNotice: (message) => io.stderr(`keyward: ${message}\n`),
  };
  let result: ScanResult;
  try {
    result = await scan(options);
  } finally {
    output.close();
  }
  if (!args.quiet && (args.format !== 'text' || args.output !== undefined)) io.stderr(`keyward: ${result.summary}\n`);
  if (args.explain) {
    const { formatExplain } = await import('../report/explain.js');
    io.stderr(`keyward: ${formatExplain(result.report.stats)}`);
  }
  const code = result.findingCount > 0 ? 1 : result.nothingScanned ? 2 : 0;
  if (code === 1 && (args.staged || args.prePush)) io.stderr(blockedHint(args.staged ? 'staged' : 'pre-push', result.baselineFile));
  return code;
}

/** Which source the flags ask for; contradictory flags are a usage error. */
async function sourceOf(args: ScanArgs, io: CliIo): Promise<SourceRequest> {
  const history = Boolean(args.history || args.branches || args.tags) || args.range !== undefined || args.since !== undefined || args.maxCount !== undefined;
  const modes = [history ? '--history' : '', args.staged ? '--staged' : '', args.prePush ? '--pre-push' : '', args.stdin ? '- (stdin)' : '', args.image === undefined ? '' : '--image'].filter(Boolean);
  if (modes.length > 1) throw new KeywardError(`${modes.join(' and ')} cannot be combined`, { hint: 'pick one kind of scan' });
  const gitFlag = args.staged ? 'staged' : args.prePush ? 'pre-push' : history ? 'history' : undefined;
  if (gitFlag !== undefined && args.paths.length > 1) throw new KeywardError(`--${gitFlag} scans one repository; got ${args.paths.length} paths`);
  const path = args.paths[0] ?? '.';
  if (args.stdin) {
    if (args.paths.length > 1 || args.paths[0] !== '.') throw new KeywardError('- (stdin) cannot be mixed with paths');
    return { source: 'stdin', options: {} };
  }
  if (args.image !== undefined) {
    if (args.paths.length > 1 || args.paths[0] !== '.') throw new KeywardError('--image scans one image; it cannot be mixed with paths');
    return { source: 'image', options: { target: args.image } };
  }
  if (args.staged) return { source: 'staged', options: { path } };
  if (args.prePush) return { source: 'pre-push', options: { path } };
  if (history) {
    holdYoungGenerations();
    const selection = {
      ...(args.branches ? { branches: true } : {}),
      ...(args.tags ? { tags: true } : {}),
      ...(args.range === undefined ? {} : { range: args.range }),
      ...(args.since === undefined ? {} : { since: args.since }),
      ...(args.maxCount === undefined ? {} : { maxCount: args.maxCount }),
    };
    let progress;
    if (io.stderrIsTty && !args.quiet) {
      const { terminalProgress } = await import('../scan/progress.js');
      progress = terminalProgress(io.stderrRaw ?? io.stderr, 'keyward: history');
    }
    return {
      source: 'history',
      options: { path, selection, ...(progress === undefined ? {} : { progress }), ...(args.maxOccurrences === undefined ? {} : { maxOccurrences: args.maxOccurrences }) },
    };
  }
  return { source: 'worktree', options: { paths: args.paths, ignoreFiles: args.ignoreFiles } };
}

/**
 * What to do about a blocked commit or push. The baseline command is the one that works as printed: it adds
 * (never replaces) entries to the baseline this very hook reads, the config's or the repository's default.
 */
function blockedHint(mode: 'staged' | 'pre-push', baselineFile: string | undefined): string {
  const what = mode === 'staged' ? 'commit' : 'push';
  const file = baselineFile === undefined ? DEFAULT_BASELINE_NAME : relative(process.cwd(), baselineFile) || baselineFile;
  const quoted = /^[\w./-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
  return [
    '',
    `keyward: ${what} blocked: the ${mode === 'staged' ? 'staged changes add' : 'pushed commits add'} what looks like a secret (listed above, redacted).`,
    mode === 'staged'
      ? '  If it is a real key: revoke or rotate it, remove it, and try again.'
      : '  If it is a real key: revoke or rotate it, then take it out of the commits (git commit --amend, git rebase -i) and push again.',
    '  If it is not a secret, allow it on purpose:',
    '    - add a `keyward:allow` comment on that line, or',
    `    - record it in the baseline this hook reads: keyward scan --${mode} --baseline-add ${quoted} (then git add ${quoted}), or`,
    `    - skip the check this once: git ${what} --no-verify`,
    '',
  ].join('\n');
}
