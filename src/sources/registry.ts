/**
 * Every source keyward can scan, by name, loaded only when a scan asks for it (the pre-commit hook never
 * loads the history source). Adding a source is one file under src/sources/ that exports a
 * SourceDefinition, plus one line here; its options type follows from that file.
 */
import type { Source, SourceDefinition } from './types.js';

export const SOURCES = {
  worktree: () => import('./worktree.js').then((module) => module.worktreeSource),
  stdin: () => import('./stdin.js').then((module) => module.stdinSource),
  staged: () => import('./staged.js').then((module) => module.stagedSource),
  'pre-push': () => import('./pre-push.js').then((module) => module.prePushSource),
  history: () => import('./history.js').then((module) => module.historySource),
  image: () => import('./image.js').then((module) => module.imageSource),
} satisfies Record<string, () => Promise<SourceDefinition<never>>>;

export type SourceName = keyof typeof SOURCES;
export type SourceOptions<Name extends SourceName> = Parameters<Awaited<ReturnType<(typeof SOURCES)[Name]>>['open']>[0];

/** A source request as plain data: `{ source: 'history', options: { selection: { branches: true } } }`. */
export type SourceRequest = { [Name in SourceName]: { source: Name; options: SourceOptions<Name> } }[SourceName];

export async function openSource(request: SourceRequest): Promise<Source> {
  const definition = (await SOURCES[request.source]()) as SourceDefinition<typeof request.options>;
  return definition.open(request.options);
}
