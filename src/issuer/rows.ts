import type { AuditEvent, KeyRecord } from './types.js';

/** The stores' row shapes (SQLite and PostgreSQL share the columns) and their conversion to records. */
export interface KeyRow {
  id: string;
  hash: string;
  preview: string;
  name: string | null;
  owner: string | null;
  scopes: string;
  labels: string;
  ip_allowlist: string;
  rate_limit: number | null;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  expired_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  revoked_reason: string | null;
  revoked_by: string | null;
  rotated_from: string | null;
  rotated_to: string | null;
  rotation_ends_at: number | null;
}

export interface AuditRow {
  seq: number;
  at: number;
  type: string;
  key_id: string;
  actor: string;
  details: string;
  prev_hash: string;
  hash: string;
}

export function fromRow(row: KeyRow): KeyRecord {
  const record: KeyRecord = {
    id: row.id,
    hash: row.hash,
    preview: row.preview,
    scopes: JSON.parse(row.scopes) as string[],
    labels: JSON.parse(row.labels) as Record<string, string>,
    ipAllowlist: JSON.parse(row.ip_allowlist) as string[],
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
  if (row.name !== null) record.name = row.name;
  if (row.owner !== null) record.owner = row.owner;
  if (row.rate_limit !== null) record.rateLimit = row.rate_limit;
  if (row.expires_at !== null) record.expiresAt = row.expires_at;
  if (row.expired_at !== null) record.expiredAt = row.expired_at;
  if (row.last_used_at !== null) record.lastUsedAt = row.last_used_at;
  if (row.revoked_at !== null) record.revokedAt = row.revoked_at;
  if (row.revoked_reason !== null) record.revokedReason = row.revoked_reason;
  if (row.revoked_by !== null) record.revokedBy = row.revoked_by;
  if (row.rotated_from !== null) record.rotatedFrom = row.rotated_from;
  if (row.rotated_to !== null) record.rotatedTo = row.rotated_to;
  if (row.rotation_ends_at !== null) record.rotationEndsAt = row.rotation_ends_at;
  return record;
}

/** An audit row as an event; details that no longer parse (an edited row) stay visible for the chain check. */
export function eventOf(row: AuditRow): AuditEvent {
  return {
    seq: row.seq,
    at: row.at,
    type: row.type as AuditEvent['type'],
    keyId: row.key_id,
    actor: row.actor,
    details: parseDetails(row.details),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    // An edited row may hold anything; keep the text so the chain check reports it as edited.
    return { unparsable: text };
  }
}
