import { createHash } from 'node:crypto';
import type { AuditEntry, AuditEvent } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Each event's hash covers its own fields and the previous event's hash, so editing or deleting any event
 * breaks every hash after it; the head (newest seq and hash), stored apart from the log, catches a deleted
 * tail. It proves tampering by someone without write access to both; it is not a signature.
 */
export function chainHash(prevHash: string, seq: number, entry: AuditEntry): string {
  const canonical = JSON.stringify([seq, entry.at, entry.type, entry.keyId, entry.actor, canonicalize(entry.details)]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonicalize((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  /** One line per problem, naming the event's seq. */
  problems: string[];
}

export function verifyAuditChain(events: readonly AuditEvent[], head: { seq: number; hash: string } | undefined): AuditVerification {
  const problems: string[] = [];
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq) problems.push(`event ${expectedSeq}${event.seq > expectedSeq + 1 ? `-${event.seq - 1}` : ''} is missing (deleted)`);
    if (event.prevHash !== prevHash) problems.push(`event ${event.seq} does not follow the event before it (an earlier event was edited or deleted)`);
    if (chainHash(event.prevHash, event.seq, event) !== event.hash) problems.push(`event ${event.seq} (${event.type} ${event.keyId}) was edited: its hash does not match its contents`);
    prevHash = event.hash;
    expectedSeq = event.seq + 1;
  }
  const last = events.at(-1);
  if (head === undefined) {
    if (last !== undefined) problems.push('the audit head is missing');
  } else if (last === undefined || last.seq !== head.seq || last.hash !== head.hash) {
    problems.push(`the log ends at event ${last?.seq ?? 0} but its head records event ${head.seq} (the newest events were deleted or edited)`);
  }
  return { ok: problems.length === 0, events: events.length, problems };
}
