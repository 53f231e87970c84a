import { KeywardError } from '../../errors.js';
import { ZERO_OID } from './spawn.js';

/** One line of what git gives a pre-push hook on stdin. */
export interface RefUpdate {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

export function parsePrePushInput(text: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 4 || !parts.every(Boolean)) {
      throw new KeywardError(`--pre-push: cannot read '${line.slice(0, 80)}' (expected '<local ref> <local sha> <remote ref> <remote sha>')`, {
        hint: 'keyward scan --pre-push is meant to run from a pre-push hook, which git feeds on stdin',
      });
    }
    const [localRef, localSha, remoteRef, remoteSha] = parts as [string, string, string, string];
    if (!/^[0-9a-f]{40,64}$/i.test(localSha) || !/^[0-9a-f]{40,64}$/i.test(remoteSha)) {
      throw new KeywardError(`--pre-push: '${line.slice(0, 80)}' does not hold two object ids`);
    }
    updates.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return updates;
}

/**
 * The revisions whose new blobs a push sends: each pushed tip minus what the remote has. A deleted
 * ref sends nothing; a new branch (remote sha all zeros) or a remote tip this clone has never seen
 * is measured against every remote-tracking ref instead.
 */
export function pushRevArgs(updates: RefUpdate[], knownLocally: (sha: string) => boolean): string[] | undefined {
  const tips: string[] = [];
  const exclude = new Set<string>();
  let againstRemotes = false;
  for (const update of updates) {
    if (ZERO_OID.test(update.localSha)) continue;
    tips.push(update.localSha);
    if (ZERO_OID.test(update.remoteSha) || !knownLocally(update.remoteSha)) againstRemotes = true;
    else exclude.add(update.remoteSha);
  }
  if (tips.length === 0) return undefined;
  return [...new Set(tips), '--not', ...exclude, ...(againstRemotes ? ['--remotes'] : [])];
}
