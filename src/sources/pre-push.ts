/**
 * The commits a push sends: from the pre-push hook's stdin (`<local ref> <local sha> <remote ref> <remote sha>`
 * lines), or from the pre-commit framework's PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF, which it sets instead.
 * Scanned as history over that range.
 */
import { KeywardError } from '../errors.js';
import { hasCommit, openRepository } from './git/repo.js';
import { parsePrePushInput, pushRevArgs } from './git/pre-push.js';
import { gitHistorySource } from './history.js';
import type { SourceDefinition } from './types.js';

export interface PrePushOptions {
  path?: string;
  /** What git wrote to the hook's stdin; read from stdin when not given. */
  input?: string;
  env?: Record<string, string | undefined>;
}

export const prePushSource: SourceDefinition<PrePushOptions> = {
  name: 'pre-push',
  async open(options) {
    const repo = await openRepository(options.path ?? '.', 'keyward scan --pre-push');
    const revArgs = await prePushRevArgs(repo.cwd, options);
    return gitHistorySource(repo, revArgs, {});
  },
};

async function prePushRevArgs(cwd: string, options: PrePushOptions): Promise<string[] | undefined> {
  const env = options.env ?? process.env;
  const from = env['PRE_COMMIT_FROM_REF'] ?? env['PRE_COMMIT_SOURCE'];
  const to = env['PRE_COMMIT_TO_REF'] ?? env['PRE_COMMIT_ORIGIN'];
  if (to !== undefined && to !== '') {
    return from === undefined || from === '' || /^0+$/.test(from) ? [to, '--not', '--remotes'] : [to, '--not', from];
  }
  let input = options.input;
  if (input === undefined) {
    if (process.stdin.isTTY) {
      throw new KeywardError('--pre-push reads the refs being pushed from stdin, as git gives them to a pre-push hook', {
        hint: 'install it with keyward install-hook --pre-push, or scan a range with keyward scan --range origin/main..HEAD',
      });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    input = Buffer.concat(chunks).toString('utf8');
  }
  const updates = parsePrePushInput(input);
  const known = new Map<string, boolean>();
  for (const update of updates) if (!/^0+$/.test(update.remoteSha)) known.set(update.remoteSha, await hasCommit(cwd, update.remoteSha));
  return pushRevArgs(updates, (sha) => known.get(sha) ?? false);
}
