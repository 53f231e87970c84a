/**
 * History incidents: the blob scan finds a secret once per blob version that holds it; people need one
 * finding per secret, with when it arrived, everywhere it appears, whether it is still there and on which
 * refs. This module turns findings on blobs into those findings with four git calls, however many secrets:
 * `for-each-ref` (the refs and their tips), one `git log --raw` that yields the commits adding or dropping
 * the blobs with findings and the refs each is reachable from (./blob-events.ts), one
 * `cat-file --batch-check` of branch tips at the paths involved, and `config` for the remote. State is
 * kept per blob and per secret, never per byte or per commit of history.
 */
import { contentFingerprintOf, type CommitInfo, type Finding, type Occurrence } from '../../engine/finding.js';
import type { Severity } from '../../rules/types.js';
import { blobEvents, type CommitEvents, type RawLogRecording } from './blob-events.js';
import { blobsAt, listRefs, shortRefName, type Ref } from './refs.js';
import { commitUrlBase } from './remote.js';

export const DEFAULT_MAX_OCCURRENCES = 100;
/** Removing commits remembered per secret (newest first): enough for a key deleted and re-added a few times. */
const REMOVALS_KEPT = 32;
/** Paths per secret whose presence is checked at each branch tip. */
const PATHS_KEPT = 256;

export interface IncidentOptions {
  cwd: string;
  revArgs: string[];
  /** Longest `occurrences` list per finding (the count is always complete). */
  maxOccurrences?: number;
  /** Let git filter commits with `--find-object` (off when --max-count must count every commit). */
  filterInGit?: boolean;
  /** The same pass, recorded during the scan (./blob-events.ts): read instead of running git again. */
  recording?: RawLogRecording;
}

/** What is gathered about one (rule, secret) while reading the history. */
interface Incident {
  /** Findings per blob holding the secret, by line. */
  hits: Map<string, Finding[]>;
  occurrences: Occurrence[];
  occurrenceCount: number;
  introduced?: { commit: CommitInfo; path: string; blob: string };
  /** Indexes of the refs from which a commit adding it is reachable. */
  reaching: Set<number>;
  /** Commits that took it out of a file, newest first, with the refs each is reachable from. */
  removals: { commit: CommitInfo; refs: number[] }[];
  paths: Set<string>;
  refs?: string[];
  presentIn?: { ref: string; path: string }[];
  removedIn?: { ref: string; commit?: CommitInfo }[];
}

/**
 * One finding per (rule, secret) from findings on blobs. Findings without a blob pass through unchanged.
 * Returns new findings; the input is not modified.
 */
export async function attributeIncidents(findings: readonly Finding[], options: IncidentOptions): Promise<{ findings: Finding[]; warnings: string[] }> {
  const warnings: string[] = [];
  const cap = Math.max(0, options.maxOccurrences ?? DEFAULT_MAX_OCCURRENCES);
  const { incidents, loose } = groupByRuleAndSecret(findings);
  if (incidents.size === 0) return { findings: [...loose], warnings };
  const oids = new Set<string>();
  for (const incident of incidents.values()) for (const oid of incident.hits.keys()) oids.add(oid);

  let refs: Ref[] | undefined;
  try {
    refs = await listRefs(options.cwd);
  } catch (failure) {
    warnings.push(`could not list the refs, so no finding says where it is still present: ${failure instanceof Error ? failure.message : String(failure)}`);
  }
  const refTips = (refs ?? []).map((ref) => ref.commit);
  const { events, error } =
    (await options.recording?.events(oids, refTips)) ??
    (await blobEvents(options.cwd, options.revArgs, oids, { filterInGit: options.filterInGit ?? true, refTips }));
  if (error !== undefined) warnings.push(`could not trace every finding to its commit: ${error}`);
  applyEvents(incidents, events, cap);
  if (refs !== undefined) {
    try {
      await resolveStatus(options.cwd, incidents, refs);
    } catch (failure) {
      warnings.push(`could not tell which branches still hold each secret: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
  }
  const urlBase = await commitUrlBase(options.cwd).catch(() => undefined);
  const grouped = [...incidents.values()].map((incident) => toFinding(incident, urlBase));
  return { findings: [...grouped, ...loose].sort(byIncidentOrder), warnings };
}

function groupByRuleAndSecret(findings: readonly Finding[]): { incidents: Map<string, Incident>; loose: Finding[] } {
  const incidents = new Map<string, Incident>();
  const loose: Finding[] = [];
  for (const finding of findings) {
    if (finding.blob === undefined) {
      loose.push(finding);
      continue;
    }
    const key = `${finding.ruleId}\0${finding.secretSha256}`;
    let incident = incidents.get(key);
    if (incident === undefined) {
      incident = { hits: new Map(), occurrences: [], occurrenceCount: 0, reaching: new Set(), removals: [], paths: new Set() };
      incidents.set(key, incident);
    }
    let hits = incident.hits.get(finding.blob);
    if (hits === undefined) incident.hits.set(finding.blob, (hits = []));
    // One blob may be reached twice (the same secret found raw and decoded on one line): keep one per line.
    if (!hits.some((hit) => hit.line === finding.line)) hits.push(finding);
    hits.sort((a, b) => a.line - b.line || a.column - b.column);
    if (incident.paths.size < PATHS_KEPT) incident.paths.add(finding.path);
  }
  return { incidents, loose };
}

/** Folds the history's commits (newest first) into each incident: occurrences, introduction, removals. */
export function applyEvents(incidents: Map<string, Incident>, events: readonly CommitEvents[], cap: number): void {
  const byBlob = new Map<string, Incident[]>();
  for (const incident of incidents.values()) {
    for (const oid of incident.hits.keys()) {
      let list = byBlob.get(oid);
      if (list === undefined) byBlob.set(oid, (list = []));
      list.push(incident);
    }
  }
  const added = new Set<string>();
  for (const event of events) {
    const touched = new Set<Incident>();
    for (const change of event.changes) {
      for (const oid of [change.newOid, change.oldOid]) for (const incident of (oid === undefined ? undefined : byBlob.get(oid)) ?? []) touched.add(incident);
    }
    for (const incident of touched) {
      const adds = event.changes.filter((change) => change.newOid !== undefined && incident.hits.has(change.newOid));
      const drops = event.changes.filter((change) => change.oldOid !== undefined && incident.hits.has(change.oldOid) && (change.newOid === undefined || !incident.hits.has(change.newOid)));
      // Walking newest first, the window keeps the oldest `cap` occurrences; the last addition seen is the introduction.
      for (const change of adds.reverse()) {
        const oid = change.newOid!;
        added.add(oid);
        for (const hit of incident.hits.get(oid)!) {
          incident.occurrenceCount++;
          incident.occurrences.push({ commit: event.commit.sha, path: change.path, line: hit.line });
          if (incident.occurrences.length > cap) incident.occurrences.shift();
        }
        incident.introduced = { commit: event.commit, path: change.path, blob: oid };
        if (incident.paths.size < PATHS_KEPT) incident.paths.add(change.path);
      }
      if (adds.length > 0) {
        for (const ref of event.refs) incident.reaching.add(ref);
      } else if (drops.length > 0 && incident.removals.length < REMOVALS_KEPT) {
        incident.removals.push({ commit: event.commit, refs: event.refs });
      }
    }
  }
  // A blob the history names but no listed commit adds (the history was cut with --max-count): still a place.
  for (const incident of incidents.values()) {
    const orphans: Occurrence[] = [];
    for (const [oid, hits] of incident.hits) {
      if (added.has(oid)) continue;
      for (const hit of hits) {
        incident.occurrenceCount++;
        if (orphans.length < cap) orphans.push({ path: hit.path, line: hit.line });
      }
    }
    incident.occurrences.reverse();
    incident.occurrences.push(...orphans.slice(0, Math.max(0, cap - incident.occurrences.length)));
  }
}

/** Which branch tips still hold each secret, and which commit took it out of the other branches that had it. */
async function resolveStatus(cwd: string, incidents: Map<string, Incident>, refs: readonly Ref[]): Promise<void> {
  const branches = refs.map((ref, index) => ({ ref, index })).filter(({ ref }) => ref.branch);
  const list = [...incidents.values()];
  const queries: { commit: string; path: string }[] = [];
  const queryIndex = new Map<string, number>();
  for (const incident of list) {
    for (const path of incident.paths) {
      for (const { ref } of branches) {
        const key = `${ref.commit}\0${path}`;
        if (queryIndex.has(key)) continue;
        queryIndex.set(key, queries.length);
        queries.push({ commit: ref.commit, path });
      }
    }
  }
  const answers = await blobsAt(cwd, queries);
  const blobAt = (ref: Ref, path: string) => answers[queryIndex.get(`${ref.commit}\0${path}`)!];

  for (const incident of list) {
    incident.refs = [...incident.reaching].sort((a, b) => a - b).map((index) => refs[index]!.name);
    incident.presentIn = [];
    incident.removedIn = [];
    for (const { ref, index } of branches) {
      const path = [...incident.paths].find((candidate) => {
        const oid = blobAt(ref, candidate);
        return oid !== undefined && incident.hits.has(oid);
      });
      if (path !== undefined) {
        incident.presentIn.push({ ref: shortRefName(ref.name), path });
        continue;
      }
      if (!incident.reaching.has(index)) continue;
      // Removals are kept newest first: the first one on this branch is the one that took it out.
      const removal = incident.removals.find((candidate) => candidate.refs.includes(index));
      incident.removedIn.push(removal === undefined ? { ref: shortRefName(ref.name) } : { ref: shortRefName(ref.name), commit: removal.commit });
    }
  }
}

function withUrl(commit: CommitInfo, urlBase: string | undefined): CommitInfo {
  return urlBase === undefined ? { ...commit } : { ...commit, url: `${urlBase}${commit.sha}` };
}

function toFinding(incident: Incident, urlBase: string | undefined): Finding {
  const introduced = incident.introduced;
  const firstBlob = introduced?.blob ?? incident.hits.keys().next().value!;
  const base = incident.hits.get(firstBlob)![0]!;
  const finding: Finding = {
    ...base,
    fingerprint: contentFingerprintOf(base.ruleId, base.secretSha256),
    blob: firstBlob,
    occurrences: incident.occurrences,
    occurrenceCount: incident.occurrenceCount,
  };
  delete finding.appearances;
  delete finding.appearanceCount;
  delete finding.commit;
  if (introduced !== undefined) {
    const commit = withUrl(introduced.commit, urlBase);
    finding.path = introduced.path;
    finding.commit = commit;
    finding.introduced = { commit, path: introduced.path, line: base.line };
  }
  if (incident.presentIn !== undefined && incident.removedIn !== undefined) {
    finding.status = incident.presentIn.length > 0 ? 'present' : 'removed';
    finding.presentIn = incident.presentIn;
    finding.removedIn = incident.removedIn.map((entry) => (entry.commit === undefined ? entry : { ref: entry.ref, commit: withUrl(entry.commit, urlBase) }));
  }
  if (incident.refs !== undefined) finding.refs = [...new Set(incident.refs.map(shortRefName))].sort();
  return finding;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Most severe first, then the oldest introduction: a report reads as the story of each leak. */
export function byIncidentOrder(a: Finding, b: Finding): number {
  const rank = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  if (rank !== 0) return rank;
  const dateA = a.introduced?.commit.date ?? a.commit?.date ?? '';
  const dateB = b.introduced?.commit.date ?? b.commit?.date ?? '';
  if (dateA !== dateB) return Date.parse(dateA) - Date.parse(dateB) || (dateA < dateB ? -1 : 1);
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}
