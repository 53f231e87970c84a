import { createHash } from 'node:crypto';
import { STATE_EVENT_TYPES, type AuditEntry, type AuditEvent, type KeyRecord } from './types.js';

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

/**
 * A key row's state as the audit trail vouches for it: every column but `last_used_at`, which changes on
 * every verification (coalesced, without an event) and grants nothing.
 */
export function stateHash(record: KeyRecord): string {
  const { lastUsedAt: _lastUsed, ...state } = record;
  return createHash('sha256').update('keyward/key-state/v1\n').update(JSON.stringify(canonicalize(state))).digest('hex');
}

/** The event as it is logged: a state change carries the hash of the row it left (`details.state`). */
export function withState(entry: AuditEntry, row: KeyRecord | undefined): AuditEntry {
  if (!STATE_EVENT_TYPES.has(entry.type) || row === undefined) return entry;
  return { ...entry, details: { ...entry.details, state: stateHash(row) } };
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  /** One line per problem, naming the event's seq. */
  problems: string[];
}

/**
 * Checks the chain, its head and, when `keys` is given, the keys table against the chain: each key's row must
 * hash to the state its newest state event recorded, a row must have been created through the log, and a
 * key the log knows must still have its row. Keys whose events predate state hashes are not judged.
 */
export function verifyAuditChain(events: readonly AuditEvent[], head: { seq: number; hash: string } | undefined, keys?: readonly KeyRecord[]): AuditVerification {
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
  if (keys !== undefined) problems.push(...replayAgainst(events, keys));
  return { ok: problems.length === 0, events: events.length, problems };
}

function replayAgainst(events: readonly AuditEvent[], keys: readonly KeyRecord[]): string[] {
  const problems: string[] = [];
  const lastState = new Map<string, { state: string; seq: number; type: string }>();
  const logged = new Set<string>();
  for (const event of events) {
    logged.add(event.keyId);
    const state = event.details['state'];
    if (STATE_EVENT_TYPES.has(event.type) && typeof state === 'string') lastState.set(event.keyId, { state, seq: event.seq, type: event.type });
  }
  const inTable = new Set<string>();
  for (const record of keys) {
    inTable.add(record.id);
    const expected = lastState.get(record.id);
    if (expected === undefined) {
      if (!logged.has(record.id)) problems.push(`key ${record.id} has no events: its row was inserted outside keyward`);
      continue;
    }
    if (stateHash(record) !== expected.state) {
      problems.push(`key ${record.id}: its row does not match the state event ${expected.seq} (${expected.type}) recorded; the keys table was edited outside keyward`);
    }
  }
  for (const [keyId, expected] of lastState) {
    if (!inTable.has(keyId)) problems.push(`key ${keyId}: event ${expected.seq} (${expected.type}) records it, but its row is gone from the keys table`);
  }
  return problems;
}
