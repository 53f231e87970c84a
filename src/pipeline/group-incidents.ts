/**
 * THE SLOT FOR HISTORY INCIDENT GROUPING. History findings arrive here attributed by the history source
 * (one per blob and rule: the introducing commit, its path, every appearance). This stage is where they
 * become incidents: one per secret, with where it was introduced, every place it appears, and whether it is
 * still present or was removed. Until that lands it keeps today's behaviour and returns the findings in the
 * order a history report reads. Like every stage it returns new values and edits none.
 */
import type { Finding } from '../engine/finding.js';

export function groupIncidents(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(byHistoryOrder);
}

/** Oldest introduction first, then path and position: a report reads as the story of the leak. */
function byHistoryOrder(a: Finding, b: Finding): number {
  const dateA = a.commit?.date ?? '';
  const dateB = b.commit?.date ?? '';
  if (dateA !== dateB) return dateA < dateB ? -1 : 1;
  if ((a.commit?.sha ?? '') !== (b.commit?.sha ?? '')) return (a.commit?.sha ?? '') < (b.commit?.sha ?? '') ? -1 : 1;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}
