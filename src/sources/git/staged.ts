import { gitMessage, runGit, unquotePath } from './spawn.js';

/** One file as it will be committed: its blob in the index and the lines the commit adds or changes. */
export interface StagedFile {
  path: string;
  oid: string;
  /** 1-based inclusive line ranges of the new blob that are added or changed. */
  added: [number, number][];
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * What `git commit` would add: `git diff --cached -U0` (renames detected, so a moved file adds nothing),
 * parsed for each file's new blob id and added line ranges. Binary files, deletions, pure renames and
 * mode changes add no lines and are left out.
 */
export async function stagedFiles(cwd: string): Promise<StagedFile[]> {
  const result = await runGit(cwd, [
    'diff', '--cached', '-U0', '-M', '--full-index', '--no-color', '--no-ext-diff', '--no-textconv', '--diff-filter=ACMR',
    '--src-prefix=a/', '--dst-prefix=b/', '--ignore-submodules=all',
  ]);
  if (result.code !== 0) throw new Error(`git diff --cached failed: ${gitMessage(result.stderr)}`);
  return parseUnifiedZero(result.stdout.toString('utf8'));
}

/** Parses a `-U0 --full-index` patch. Hunk bodies are skipped by count, so no content line is mistaken for a header. */
export function parseUnifiedZero(patch: string): StagedFile[] {
  const files: StagedFile[] = [];
  const lines = patch.split('\n');
  let file: StagedFile | undefined;
  let oid: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('diff --git ')) {
      file = undefined;
      oid = undefined;
      continue;
    }
    if (line.startsWith('index ')) {
      const match = /^index [0-9a-f]+\.\.([0-9a-f]+)/.exec(line);
      oid = match?.[1];
      continue;
    }
    if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      if (target === '/dev/null' || oid === undefined) continue;
      // git ends a name holding a space with a tab (for patch(1)); quoted names hold special characters.
      const path = unquotePath(target.replace(/\t$/, '')).replace(/^b\//, '');
      file = { path, oid, added: [] };
      files.push(file);
      continue;
    }
    const hunk = HUNK.exec(line);
    if (hunk !== null) {
      const removed = hunk[1] === undefined ? 1 : Number(hunk[1]);
      const start = Number(hunk[2]);
      const count = hunk[3] === undefined ? 1 : Number(hunk[3]);
      if (count > 0 && file !== undefined) file.added.push([start, start + count - 1]);
      // Skip the body: `removed` lines of '-', `count` of '+', and any "\ No newline" markers.
      let left = removed + count;
      while (left > 0 && i + 1 < lines.length) {
        const body = lines[++i]!;
        if (!body.startsWith('\\')) left--;
      }
      if (i + 1 < lines.length && lines[i + 1]!.startsWith('\\')) i++;
    }
  }
  return files.filter((staged) => staged.added.length > 0);
}

/** True when [line, endLine] touches one of the ranges. */
export function touchesAdded(added: [number, number][], line: number, endLine: number): boolean {
  return added.some(([start, end]) => line <= end && endLine >= start);
}
