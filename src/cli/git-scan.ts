import { KeywardError } from '../errors.js';
import { hasCommit, openRepository } from '../sources/git/repo.js';
import { parsePrePushInput, pushRevArgs } from '../sources/git/pre-push.js';
import { collectingSink } from '../scan/sink.js';
import { emptyStats, type ScanStats } from '../scan/stats.js';
import { NO_PROGRESS, terminalProgress } from '../scan/progress.js';
import type { CliIo } from './io.js';
import { parseSize } from './io.js';
import { prepareNoise } from './noise-options.js';
import { needsRawSecrets } from './verify-options.js';
import { describeRuleSet } from '../config/load.js';
import { checkSomeRules, DEFAULT_MAX_FILE_SIZE, finishScan, loadRuleSet, type GitScanMode, type ScanArgs } from './scan-command.js';

/** `keyward scan --history | --staged | --pre-push [PATH]`: PATH is a directory inside the repository. */
export async function runGitScan(mode: GitScanMode, args: ScanArgs, io: CliIo, started: number): Promise<number> {
  if (args.paths.length > 1) throw new KeywardError(`--${mode} scans one repository; got ${args.paths.length} paths`);
  const path = args.paths[0] ?? '.';
  const flag = `keyward scan --${mode}`;
  const repo = await openRepository(path, flag);
  const setup = prepareNoise(args, loadRuleSet(args.rules, args.builtinRules), repo.root ?? repo.cwd);
  checkSomeRules(setup.rules);
  const maxFileSize =
    setup.maxFileSize !== undefined && args.maxFileSize === DEFAULT_MAX_FILE_SIZE ? setup.maxFileSize : parseSize(args.maxFileSize, '--max-file-size');
  const engine = { rules: setup.rules, revealSecrets: !args.redact || needsRawSecrets(args), noise: setup.noise };
  const sink = collectingSink();
  const warnings = [...setup.warnings];
  let stats: ScanStats;
  let nothingScanned: boolean | undefined;

  if (mode === 'staged') {
    if (repo.root === undefined) throw new KeywardError(`${path} is a bare repository: it has no index to scan`, { hint: 'run keyward scan --staged inside a work tree' });
    const { scanStaged } = await import('../scan/staged-scan.js');
    stats = await scanStaged({ ...engine, maxFileSize, cwd: repo.cwd }, sink);
  } else {
    const revArgs = mode === 'history' ? historyRevArgs(args) : await prePushRevArgs(repo.cwd);
    if (revArgs === undefined) {
      stats = emptyStats();
    } else {
      if (repo.shallow) warnings.push('this is a shallow clone: commits before its shallow boundary are not in it and were not scanned (git fetch --unshallow to scan them)');
      const { scanHistory } = await import('../scan/history-scan.js');
      const progress = io.stderrIsTty && !args.quiet && mode === 'history' ? terminalProgress(io.stderrRaw ?? io.stderr, 'keyward: history') : NO_PROGRESS;
      const result = await scanHistory(
        {
          ...engine,
          maxFileSize,
          cwd: repo.cwd,
          revArgs,
          progress,
          ...(args.threads === undefined ? {} : { threads: Math.max(1, Math.floor(args.threads)) }),
        },
        sink,
      );
      stats = result.stats;
      nothingScanned = result.nothingScanned;
    }
  }

  const code = await finishScan(io, args, {
    kind: mode === 'staged' ? 'staged' : 'history',
    rules: setup.rules,
    ruleSet: describeRuleSet(setup.rules, setup.config),
    findings: sink.findings,
    warnings: [...warnings, ...sink.warnings],
    stats,
    started,
    nothingScanned: nothingScanned ?? false,
  });
  if (code === 1 && mode !== 'history') io.stderr(blockedHint(mode));
  return code;
}

/** What the user asked for as `git rev-list` arguments. Revisions may not look like options. */
export function historyRevArgs(args: Pick<ScanArgs, 'branches' | 'tags' | 'range' | 'since' | 'maxCount'>): string[] {
  for (const [flag, value] of [['--range', args.range], ['--since', args.since]] as const) {
    if (value !== undefined && (value.trim() === '' || value.startsWith('-'))) throw new KeywardError(`${flag}: '${value}' is not a revision`);
  }
  const revArgs: string[] = [];
  if (args.range !== undefined) {
    revArgs.push(args.range);
  } else {
    if (args.branches) revArgs.push('--branches');
    if (args.tags) revArgs.push('--tags');
    if (revArgs.length === 0) revArgs.push('--all');
  }
  if (args.since !== undefined) revArgs.push(`^${args.since}`);
  if (args.maxCount !== undefined) {
    if (!Number.isInteger(args.maxCount) || args.maxCount < 1) throw new KeywardError(`--max-count: '${args.maxCount}' is not a positive whole number`);
    revArgs.push(`--max-count=${args.maxCount}`);
  }
  return revArgs;
}

/**
 * The pushed range: from the hook's stdin (`<local ref> <local sha> <remote ref> <remote sha>` lines), or
 * from the pre-commit framework's PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF, which it sets instead.
 */
async function prePushRevArgs(cwd: string): Promise<string[] | undefined> {
  const from = process.env['PRE_COMMIT_FROM_REF'] ?? process.env['PRE_COMMIT_SOURCE'];
  const to = process.env['PRE_COMMIT_TO_REF'] ?? process.env['PRE_COMMIT_ORIGIN'];
  if (to !== undefined && to !== '') {
    return from === undefined || from === '' || /^0+$/.test(from) ? [to, '--not', '--remotes'] : [to, '--not', from];
  }
  if (process.stdin.isTTY) {
    throw new KeywardError('--pre-push reads the refs being pushed from stdin, as git gives them to a pre-push hook', {
      hint: 'install it with keyward install-hook --pre-push, or scan a range with keyward scan --range origin/main..HEAD',
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const updates = parsePrePushInput(Buffer.concat(chunks).toString('utf8'));
  const known = new Map<string, boolean>();
  for (const update of updates) if (!/^0+$/.test(update.remoteSha)) known.set(update.remoteSha, await hasCommit(cwd, update.remoteSha));
  return pushRevArgs(updates, (sha) => known.get(sha) ?? false);
}

function blockedHint(mode: GitScanMode): string {
  const what = mode === 'staged' ? 'commit' : 'push';
  return [
    '',
    `keyward: ${what} blocked: the ${mode === 'staged' ? 'staged changes add' : 'pushed commits add'} what looks like a secret (listed above, redacted).`,
    mode === 'staged'
      ? '  If it is a real key: revoke or rotate it, remove it, and try again.'
      : '  If it is a real key: revoke or rotate it, then take it out of the commits (git commit --amend, git rebase -i) and push again.',
    '  If it is not a secret, allow it on purpose:',
    '    - add a `keyward:allow` comment on that line, or',
    '    - record it in a baseline: keyward scan --baseline-write .keyward-baseline.json (then pass --baseline), or',
    `    - skip the check this once: git ${what} --no-verify`,
    '',
  ].join('\n');
}
