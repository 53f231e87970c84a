import type { SourceDefinition } from './types.js';

/** Standard input (`keyward scan -`): read to its end by the one reader, bounded by --max-file-size. */
export const stdinSource: SourceDefinition<Record<string, never>> = {
  name: 'stdin',
  async open() {
    return {
      name: 'stdin',
      async *chunks() {
        yield { file: '-', fd: 0, origin: { path: '-' }, explicit: true };
      },
    };
  },
};
