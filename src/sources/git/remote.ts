import { runGit } from './spawn.js';

const FORGES: { host: RegExp; commit: string }[] = [
  { host: /^github\.com$/i, commit: '/commit/' },
  { host: /^gitlab\.com$/i, commit: '/-/commit/' },
  { host: /^bitbucket\.org$/i, commit: '/commits/' },
];

/**
 * A commit page's URL prefix (`https://github.com/o/r/commit/`) for the repository's remote (origin, else
 * the first one), when it is GitHub, GitLab or Bitbucket. Only host and path are kept: a remote URL may
 * carry a user name or token, and those never reach a report.
 */
export async function commitUrlBase(cwd: string): Promise<string | undefined> {
  const listed = await runGit(cwd, ['config', '--get-regexp', '^remote\\..*\\.url$']);
  if (listed.code !== 0) return undefined;
  const remotes = listed.stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const space = line.indexOf(' ');
      return { name: line.slice('remote.'.length, space - '.url'.length), url: line.slice(space + 1) };
    });
  const chosen = remotes.find((remote) => remote.name === 'origin') ?? remotes[0];
  return chosen === undefined ? undefined : forgeCommitBase(chosen.url);
}

/** `git@github.com:o/r.git`, `https://tok@github.com/o/r`, `ssh://git@gitlab.com/g/s/r.git` → a web prefix. */
export function forgeCommitBase(remote: string): string | undefined {
  let host: string;
  let path: string;
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(remote);
  if (/^[a-z+]+:\/\//i.test(remote)) {
    let url: URL;
    try {
      url = new URL(remote);
    } catch {
      return undefined;
    }
    host = url.hostname;
    path = url.pathname;
  } else if (scp !== null) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    return undefined;
  }
  const forge = FORGES.find((candidate) => candidate.host.test(host));
  const clean = path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  if (forge === undefined || !/^[\w.-]+(\/[\w.-]+)+$/.test(clean)) return undefined;
  return `https://${host.toLowerCase()}/${clean}${forge.commit}`;
}
