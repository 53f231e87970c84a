/**
 * The history stage after attribution: the history source has already grouped blob findings into incidents
 * (one per rule and secret, src/sources/git/incidents.ts); here they are put in the order a history report
 * reads: most severe first, then by when each was introduced. Like every stage it returns new values.
 */
import type { Finding } from '../engine/finding.js';
import { byIncidentOrder } from '../sources/git/incidents.js';

export function groupIncidents(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(byIncidentOrder);
}
