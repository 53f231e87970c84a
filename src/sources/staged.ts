/**
 * What `git commit` would record: each staged blob whole (so a key split over context still matches), and
 * only findings on lines the commit adds or changes. The working tree is never read.
 */
import { KeywardError } from '../errors.js';
import type { Finding } from '../engine/finding.js';
import { formatBytes } from '../units.js';
import { readObjects } from './git/cat-file.js';
import { openRepository } from './git/repo.js';
import { stagedFiles, touchesAdded, type StagedFile } from './git/staged.js';
import type { SourceDefinition } from './types.js';

export interface StagedOptions {
  /** A directory inside the repository (default: the current one). */
  path?: string;
}

export const stagedSource: SourceDefinition<StagedOptions> = {
  name: 'staged',
  async open(options) {
    const path = options.path ?? '.';
    // git diff runs in the directory given, as git rev-parse does: started together, a hook waits for one.
    const staged = stagedFiles(path);
    staged.catch(() => {});
    const repo = await openRepository(path, 'keyward scan --staged');
    if (repo.root === undefined) throw new KeywardError(`${path} is a bare repository: it has no index to scan`, { hint: 'run keyward scan --staged inside a work tree' });
    const byPath = new Map<string, StagedFile>();
    return {
      name: 'staged',
      root: repo.root,
      async *chunks(context) {
        const files = await staged;
        if (files.length === 0) return;
        const contents = await readObjects(repo.cwd, [...new Set(files.map((file) => file.oid))], context.maxFileSize);
        for (const file of files) {
          const content = contents.get(file.oid);
          if (content === undefined || content === 'missing') {
            context.stats.filesUnreadable++;
            context.warn(`cannot read the staged content of ${file.path} (object ${file.oid})`);
            continue;
          }
          if (content === 'too-large') {
            context.stats.filesTooLarge++;
            context.warn(`skipped ${file.path}: over the ${formatBytes(context.maxFileSize)} limit (--max-file-size)`);
            continue;
          }
          byPath.set(file.path, file);
          yield { data: content, origin: { path: file.path, blob: file.oid } };
        }
      },
      async attribute(findings: readonly Finding[]) {
        return findings.filter((finding) => {
          const file = byPath.get(finding.path);
          return file !== undefined && touchesAdded(file.added, finding.line, finding.endLine);
        });
      },
    };
  },
};
