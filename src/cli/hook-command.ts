import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { KeywardError, describeFsError } from '../errors.js';
import { processIo, type CliIo } from './io.js';

export interface InstallHookArgs {
  path: string;
  prePush: boolean;
  force: boolean;
}

/** The line that marks a hook as ours: only such a hook is replaced without --force. */
export const HOOK_MARKER = '# installed by keyward';

export const installHookCommand: CommandModule<object, InstallHookArgs> = {
  command: 'install-hook [path]',
  describe: 'Install a git hook that runs keyward: pre-commit (staged changes) or pre-push',
  builder: (yargs) =>
    yargs
      .positional('path', { type: 'string', default: '.', describe: 'A directory inside the repository' })
      .option('pre-push', { type: 'boolean', default: false, describe: 'Install the pre-push hook (scans the commits being pushed) instead' })
      .option('force', { type: 'boolean', default: false, describe: 'Replace a hook keyward did not install (the old one is kept as <hook>.keyward-backup)' })
      .example('$0 install-hook', 'Block commits that add a secret')
      .example('$0 install-hook --pre-push', 'Block pushes whose commits add a secret') as unknown as Argv<InstallHookArgs>,
  handler: async (args) => {
    process.exitCode = await installHook(args, processIo());
  },
};

/** The node binary and CLI script this process runs as: what the hook falls back to when `keyward` is not on PATH. */
export interface HookRuntime {
  node: string;
  cli: string;
}

export function currentRuntime(): HookRuntime {
  return { node: process.execPath, cli: fileURLToPath(new URL('../../bin/keyward.js', import.meta.url)) };
}

/** A POSIX shell word that stands for `value` exactly, whatever it holds. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The hook prefers the node and CLI it was installed with (as the pre-commit framework records its
 * interpreter): a GUI git client or a minimal PATH finds neither `keyward` nor `npx`, and a different
 * keyward on PATH may be another version. When those are gone it tries PATH and a project-local install,
 * then fails with one line that says how to repair it; it never asks the registry for a package.
 */
export function hookScript(kind: 'pre-commit' | 'pre-push', runtime: HookRuntime = currentRuntime()): string {
  const scan = kind === 'pre-commit' ? 'scan --staged' : 'scan --pre-push';
  const what = kind === 'pre-commit' ? 'a commit that adds' : 'a push whose commits add';
  const reinstall = kind === 'pre-commit' ? 'keyward install-hook' : 'keyward install-hook --pre-push';
  return [
    '#!/bin/sh',
    HOOK_MARKER,
    `# Blocks ${what} a secret. Bypass once with --no-verify; uninstall by deleting this file.`,
    `KEYWARD_NODE=${shellQuote(runtime.node)}`,
    `KEYWARD_CLI=${shellQuote(runtime.cli)}`,
    'if [ -x "$KEYWARD_NODE" ] && [ -f "$KEYWARD_CLI" ]; then',
    `  exec "$KEYWARD_NODE" "$KEYWARD_CLI" ${scan}`,
    'fi',
    'if command -v keyward >/dev/null 2>&1; then',
    `  exec keyward ${scan}`,
    'fi',
    '# Hooks run at the top of the work tree: a project-local install is found there.',
    'if [ -x node_modules/.bin/keyward ]; then',
    `  exec node_modules/.bin/keyward ${scan}`,
    'fi',
    `echo "keyward: error: the ${kind} hook cannot find keyward: $KEYWARD_NODE or $KEYWARD_CLI is gone and keyward is not on PATH; reinstall it with: ${reinstall}" >&2`,
    'exit 2',
    '',
  ].join('\n');
}

/** Writes the hook where git looks for it (`git rev-parse --git-path hooks`: honours core.hooksPath and worktrees). */
export async function installHook(args: InstallHookArgs, io: CliIo): Promise<number> {
  const kind = args.prePush ? 'pre-push' : 'pre-commit';
  const hooksDir = await hooksDirectory(args.path);
  const hookPath = join(hooksDir, kind);
  const shown = relative(process.cwd(), hookPath) || hookPath;
  let existing: string | undefined;
  try {
    existing = readFileSync(hookPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new KeywardError(`cannot read ${shown}: ${describeFsError(error)}`);
  }
  const ours = existing?.includes(HOOK_MARKER) ?? false;
  if (existing !== undefined && !ours) {
    if (!args.force) {
      throw new KeywardError(`${shown} already exists and was not installed by keyward; left it as it is`, {
        hint: `add 'keyward ${kind === 'pre-commit' ? 'scan --staged' : 'scan --pre-push'}' to it yourself, or pass --force to replace it (it is kept as ${kind}.keyward-backup)`,
      });
    }
    copyFileSync(hookPath, `${hookPath}.keyward-backup`);
  }
  try {
    mkdirSync(hooksDir, { recursive: true });
    writeFileSync(hookPath, hookScript(kind));
    chmodSync(hookPath, 0o755);
  } catch (error) {
    throw new KeywardError(`cannot write ${shown}: ${describeFsError(error)}`);
  }
  const verb = existing === undefined ? 'installed' : ours ? 'updated' : 'replaced';
  io.stdout(`keyward: ${verb} the ${kind} hook at ${shown}${existing !== undefined && !ours ? ` (the old hook is at ${shown}.keyward-backup)` : ''}\n`);
  if (/(^|[\\/])\.husky([\\/]|$)/.test(hooksDir)) {
    io.stderr(`keyward: warning: core.hooksPath points into .husky, which husky regenerates; add 'keyward ${kind === 'pre-commit' ? 'scan --staged' : 'scan --pre-push'}' to .husky/${kind} instead (see docs/git.md)\n`);
  }
  return 0;
}

async function hooksDirectory(path: string): Promise<string> {
  const directory = resolve(path);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) throw new KeywardError(`${path}: no such directory`);
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: directory });
  if (!(await git.checkIsRepo())) {
    throw new KeywardError(`${path === '.' ? 'the current directory' : path} is not a git repository`, { hint: 'run keyward install-hook inside the repository (git init first)' });
  }
  const hooks = (await git.revparse(['--git-path', 'hooks'])).trim();
  return resolve(directory, hooks);
}
