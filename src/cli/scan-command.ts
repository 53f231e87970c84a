import type { Argv, CommandModule } from 'yargs';
import { createEngine } from '../engine/index.js';
import type { NoiseOptions } from '../engine/noise.js';
import type { Finding } from '../engine/finding.js';
import { KeywardError } from '../errors.js';
import { describeRuleSet } from '../config/load.js';
import { formatReport, FORMATS, type Format, type Report, type ScanKind } from '../report/index.js';
import { escapeControl } from '../report/escape.js';
import { summaryLine } from '../report/text.js';
import { loadRuleSet as loadRulesWithExtras } from '../rules/ruleset.js';
import { ruleMeta, type Rule } from '../rules/types.js';
import { collectingSink } from '../scan/sink.js';
import { emptyStats, type ScanStats } from '../scan/stats.js';
import { scanWorktree } from '../scan/worktree-scan.js';
import { emit, parseSize, processIo, type CliIo } from './io.js';
import { formatExplain, NOISE_OPTIONS, postScan, prepareNoise, type NoiseArgs } from './noise-options.js';
import { checkVerifyArgs, needsRawSecrets, VERIFY_OPTIONS, verifyFindings, type VerifyArgs } from './verify-options.js';

export interface ScanArgs extends NoiseArgs, VerifyArgs {
  paths: string[];
  format: Format;
  output?: string;
  rules?: string[];
  builtinRules: boolean;
  redact: boolean;
  maxFileSize: string | number;
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
  staged?: boolean;
  prePush?: boolean;
  archives?: boolean;
  archiveDepth?: number;
  image?: string;
}

export const DEFAULT_MAX_FILE_SIZE = '10MB';

export function scanOptions<T>(yargs: Argv<T>) {
  return yargs
    .positional('paths', { type: 'string', array: true, default: ['.'], describe: 'Files or directories to scan; - reads stdin' })
    .option('format', { alias: 'f', choices: FORMATS, default: 'text' as Format, describe: 'Report format' })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to FILE instead of stdout' })
    .option('rules', { type: 'string', array: true, describe: 'Add the rules in DIR (or one YAML file) to the built-in rules; repeatable. Rules that rules check rejects are refused' })
    .option('builtin-rules', { type: 'boolean', default: true, describe: 'Run the built-in rules; --no-builtin-rules runs only --rules and the config\'s rules' })
    .option('redact', { type: 'boolean', default: true, describe: 'Redact secrets in reports; --no-redact prints them in full for local triage' })
    .option('max-file-size', { type: 'string', default: DEFAULT_MAX_FILE_SIZE, describe: 'Skip (and warn about) larger files, e.g. 10MB' })
    .option('threads', { type: 'number', describe: 'Worker threads (default: one per core; 1 scans on the main thread)' })
    .option('ignore-files', { type: 'boolean', default: true, describe: 'Honour .gitignore and .keywardignore; --no-ignore-files scans everything' })
    .option('stdin', { type: 'boolean', default: false, describe: 'Scan standard input (also spelled -)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No summary or progress on stderr' })
    .option('archives', { type: 'boolean', default: true, describe: 'Open zip/jar/tar/gz/bz2 archives and scan their members; --no-archives counts them instead' })
    .option('archive-depth', { type: 'number', default: 2, describe: 'Open archives inside archives this many levels deep' })
    .option('image', { type: 'string', describe: 'Scan a container image: a `docker save` tarball or an OCI image layout (directory or tar)' })
    .options(NOISE_OPTIONS)
    .options(GIT_OPTIONS)
    .options(VERIFY_OPTIONS);
}

/** Git scans (issue 2): they run through ./git-scan.ts, loaded only when one of these is given. */
export const GIT_OPTIONS = {
  history: { type: 'boolean', describe: 'Scan every blob in the git history of PATH (all refs), each once, with the commit that introduced it' },
  branches: { type: 'boolean', describe: 'History of local branches only (implies --history)' },
  tags: { type: 'boolean', describe: 'History of tags only (implies --history)' },
  range: { type: 'string', describe: 'History of a revision range, e.g. main..feature (implies --history)' },
  since: { type: 'string', describe: 'History after REV: what the selected refs add since that commit (implies --history)' },
  'max-count': { type: 'number', describe: 'History of the last N commits (implies --history)' },
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
      .example('$0 scan --history', 'Scan the whole git history of the current repository')
      .example('$0 scan --image app.tar', 'Scan every layer of a container image saved with docker save')
      .example('$0 scan --staged', 'Scan the staged changes (what a pre-commit hook runs)')
      .example('$0 scan --no-redact --format json', 'Print secrets in full, for local triage only')
      .example('$0 scan --validate --only-live', "Ask each key's provider whether it works (sends each found key to its provider)") as unknown as Argv<ScanArgs>,
  handler: async (args) => {
    process.exitCode = await runScan(args, processIo());
  },
};

/** The built-in rules plus every --rules DIR (or only those, with --no-builtin-rules). */
export function loadRuleSet(extraRules: string | string[] | undefined, builtin = true): Rule[] {
  const dirs = extraRules === undefined ? [] : Array.isArray(extraRules) ? extraRules : [extraRules];
  const rules = loadRulesWithExtras({ extraRules: dirs, builtin });
  if (rules.length === 0 && dirs.length > 0) throw new KeywardError(`no rules found in ${dirs.join(', ')}`);
  return rules;
}

/** Runs a scan described by CLI arguments; returns the exit code (0 clean, 1 findings, 2 nothing could be scanned). */
export async function runScan(args: ScanArgs, io: CliIo): Promise<number> {
  const started = performance.now();
  await checkVerifyArgs(args);
  const git = gitMode(args);
  if (git !== undefined) {
    // Loaded only when asked for: the pre-commit path pays for nothing it does not use.
    const { runGitScan } = await import('./git-scan.js');
    return runGitScan(git, args, io, started);
  }
  const setup = prepareNoise(args, loadRuleSet(args.rules, args.builtinRules));
  const { rules, noise } = setup;
  checkSomeRules(rules);
  const maxFileSize =
    setup.maxFileSize !== undefined && args.maxFileSize === DEFAULT_MAX_FILE_SIZE ? setup.maxFileSize : parseSize(args.maxFileSize, '--max-file-size');
  // Its range (0-8) is checked with the other whole-number options (option-ranges.ts).
  const archiveDepth = args.archiveDepth ?? 2;
  const sink = collectingSink();
  let stats: ScanStats;
  let kind: ScanKind = 'worktree';
  if (args.image !== undefined) {
    if (args.stdin || args.paths.length > 1 || args.paths[0] !== '.') throw new KeywardError('--image cannot be mixed with paths or stdin');
    kind = 'image';
    const { scanImage } = await import('../scan/image-scan.js');
    const { archiveOptions } = await import('../scan/archive-scan.js');
    stats = await scanImage(
      args.image,
      args.image,
      { rules, maxFileSize, revealSecrets: !args.redact || needsRawSecrets(args), noise, archives: archiveOptions(args.archives ?? true, archiveDepth, maxFileSize) },
      sink,
    );
  } else if (args.stdin) {
    if (args.paths.length > 1 || args.paths[0] !== '.') throw new KeywardError('- (stdin) cannot be mixed with paths');
    kind = 'stdin';
    stats = await scanStdin(rules, args.redact && !needsRawSecrets(args), sink.finding, noise);
  } else {
    stats = await scanWorktree(
      args.paths,
      {
        rules,
        maxFileSize,
        revealSecrets: !args.redact || needsRawSecrets(args),
        noise,
        useIgnoreFiles: args.ignoreFiles,
        archives: args.archives,
        archiveDepth,
        ...(args.threads === undefined ? {} : { threads: Math.max(1, Math.floor(args.threads)) }),
      },
      sink,
    );
  }
  return finishScan(io, args, { kind, rules, ruleSet: describeRuleSet(rules, setup.config), findings: sink.findings, warnings: [...setup.warnings, ...sink.warnings], stats, started });
}

/** A config can turn every rule off (enable_only of unknown ids, a gitleaks file without rules): say so, do not pass. */
export function checkSomeRules(rules: readonly Rule[]): void {
  if (rules.length === 0) throw new KeywardError('no rules to run: the config and --rules left none', { hint: 'check enable_only/disable, builtin_rules and [extend] useDefault in the config' });
}

export type GitScanMode = 'history' | 'staged' | 'pre-push';

/** Which git scan the flags ask for, if any; contradictory flags are a usage error. */
export function gitMode(args: ScanArgs): GitScanMode | undefined {
  const history = Boolean(args.history || args.branches || args.tags) || args.range !== undefined || args.since !== undefined || args.maxCount !== undefined;
  const modes = [history ? '--history' : '', args.staged ? '--staged' : '', args.prePush ? '--pre-push' : '', args.stdin ? '- (stdin)' : ''].filter(Boolean);
  if (modes.length > 1) throw new KeywardError(`${modes.join(' and ')} cannot be combined`, { hint: 'pick one kind of scan' });
  if (args.staged) return 'staged';
  if (args.prePush) return 'pre-push';
  return history ? 'history' : undefined;
}

export async function finishScan(
  io: CliIo,
  args: Pick<ScanArgs, 'format' | 'output' | 'quiet'> & NoiseArgs & VerifyArgs,
  scan: { kind: ScanKind; rules: Rule[]; ruleSet?: string; findings: Finding[]; warnings: string[]; stats: ScanStats; started: number; nothingScanned?: boolean },
): Promise<number> {
  const kept = postScan(args, scan.findings, scan.stats, (message) => io.stderr(`keyward: ${message}\n`));
  const findings = await verifyFindings(args, kept, scan.rules, io, findingLocation);
  const report: Report = {
    kind: scan.kind,
    findings,
    rules: scan.rules.map(ruleMeta),
    stats: scan.stats,
    warnings: scan.warnings,
    durationMs: performance.now() - scan.started,
    ...(scan.ruleSet === undefined ? {} : { ruleSet: scan.ruleSet }),
  };
  for (const warning of scan.warnings) io.stderr(`keyward: warning: ${escapeControl(warning)}\n`);
  emit(io, formatReport(report, args.format, { color: io.color && args.output === undefined }), args.output);
  if (!args.quiet && (args.format !== 'text' || args.output !== undefined)) io.stderr(`keyward: ${summaryLine(report)}\n`);
  if (args.explain) io.stderr(`keyward: ${formatExplain(scan.stats)}`);
  const nothingScanned =
    scan.nothingScanned ?? (scan.stats.filesScanned === 0 && scan.stats.blobsScanned === 0 && scan.warnings.length > 0 && scan.stats.filesBinary === 0);
  if (findings.length > 0) return 1;
  return nothingScanned ? 2 : 0;
}

/** Where a finding was, for a leak report's `url`: `git:<commit>:<path>#L<line>` in history, else `<path>#L<line>`. */
function findingLocation(finding: Finding): string {
  return `${finding.commit === undefined ? '' : `git:${finding.commit.sha}:`}${finding.path}#L${finding.line}`;
}

async function scanStdin(rules: Rule[], redact: boolean, onFinding: (finding: Finding) => void, noise?: NoiseOptions): Promise<ScanStats> {
  const { scanChunk } = await import('../engine/index.js');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  const stats = emptyStats();
  const findings = scanChunk(createEngine(rules, { revealSecrets: !redact, ...(noise === undefined ? {} : { noise }) }), data, { path: '-' }, stats);
  stats.filesScanned = 1;
  stats.bytesScanned = data.length;
  stats.findings = findings.length;
  findings.forEach(onFinding);
  return stats;
}
