/** A key as the store holds it: its hash and metadata, never the key. Times are epoch milliseconds. */
export interface KeyRecord {
  id: string;
  hash: string;
  preview: string;
  name?: string;
  owner?: string;
  scopes: string[];
  labels: Record<string, string>;
  /** CIDR blocks the key may be used from; empty = anywhere. */
  ipAllowlist: string[];
  /** Requests per minute; absent = unlimited. */
  rateLimit?: number;
  createdAt: number;
  createdBy: string;
  expiresAt?: number;
  /** When a `key.expired` event was logged for it (by `expire`). */
  expiredAt?: number;
  lastUsedAt?: number;
  revokedAt?: number;
  revokedReason?: string;
  revokedBy?: string;
  rotatedFrom?: string;
  rotatedTo?: string;
  /** For a rotated key: the end of the overlap window, after which only its successor verifies. */
  rotationEndsAt?: number;
}

export type KeyStatus = 'active' | 'rotating' | 'retired' | 'expired' | 'revoked';

export const AUDIT_EVENT_TYPES = ['key.created', 'key.rotated', 'key.revoked', 'key.expired', 'key.leaked', 'key.used_after_revocation', 'key.owner_notified'] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** What the issuer asks the store to log; the store numbers it and chains it to the previous event. */
export interface AuditEntry {
  at: number;
  type: AuditEventType;
  keyId: string;
  actor: string;
  details: Record<string, unknown>;
}

/**
 * The events that change a key's row. The store stamps each one, inside the same transaction, with
 * `details.state`: the hash of the row as that change left it (see `stateHash`), so the chain vouches for
 * the table too and an edit of the table alone (un-revoking a key) no longer passes `audit --verify`.
 */
export const STATE_EVENT_TYPES: ReadonlySet<AuditEventType> = new Set(['key.created', 'key.rotated', 'key.revoked', 'key.expired']);

export interface AuditEvent extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

/** The issuer's key format and hashing, fixed when the store is initialised. */
export interface IssuerSettings {
  prefix: string;
  idLength: number;
  bodyBits: number;
  /** 'sha256', or 'hmac-sha256' when the issuer hashes with a server-side pepper. */
  hashAlgorithm: 'sha256' | 'hmac-sha256';
}

export interface Revocation {
  at: number;
  reason: string;
  actor: string;
}

/**
 * Where keys and the audit trail live. Every mutation commits the key change and its audit events in one
 * transaction, so an event is never lost and never logged for a change that did not happen. Conditional
 * mutations answer whether they changed anything (a second revoke of the same key is a no-op).
 */
export interface KeyStore {
  readonly location: string;
  readSettings(): Promise<IssuerSettings | undefined>;
  writeSettings(settings: IssuerSettings): Promise<void>;
  /**
   * A named value kept beside the settings (e.g. the range-lookup decoy secret): stores `value` unless the
   * name is set already, and answers the value in effect, so two servers starting at once agree on one.
   */
  settingOrInit(name: string, value: string): Promise<string>;
  findKey(id: string): Promise<KeyRecord | undefined>;
  findKeyByHash(hash: string): Promise<KeyRecord | undefined>;
  listKeys(): Promise<KeyRecord[]>;
  /** Keys whose hash starts with `hexPrefix` (for k-anonymity range lookups). */
  keysWithHashPrefix(hexPrefix: string): Promise<KeyRecord[]>;
  /** False when the id is taken (the caller draws another). */
  insertKey(record: KeyRecord, events: AuditEntry[]): Promise<boolean>;
  /** Soft revocation; false when the key does not exist or is already revoked. */
  revokeKey(id: string, revocation: Revocation, events: AuditEntry[]): Promise<boolean>;
  /** Inserts `successor` and starts `id`'s overlap window; false when `id` is revoked or already rotated. */
  rotateKey(id: string, successor: KeyRecord, rotationEndsAt: number, events: AuditEntry[]): Promise<boolean>;
  /** Records that an expired key was noticed; false when it already was. */
  markExpired(id: string, at: number, events: AuditEntry[]): Promise<boolean>;
  appendEvents(events: AuditEntry[]): Promise<void>;
  /** Coalesced last-used times; an older time never overwrites a newer one. */
  touchKeys(lastUsed: ReadonlyMap<string, number>): Promise<void>;
  auditEvents(): Promise<AuditEvent[]>;
  /** The newest event's seq and hash as recorded beside the log (to detect a deleted tail). */
  auditHead(): Promise<{ seq: number; hash: string } | undefined>;
  close(): Promise<void>;
}

/** A store throws this inside a rotation when the successor's random id is taken; the caller draws again. */
export class KeyIdTaken extends Error {}
