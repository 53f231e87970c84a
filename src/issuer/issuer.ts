import { BlockList, isIP } from 'node:net';
import { KeywardError } from '../errors.js';
import { verifyAuditChain, type AuditVerification } from './audit.js';
import { defineKeyFormat, generateKey, parseKey, previewKey, type KeyFormat, type ParseFailure } from './format.js';
import { hashKey, sameDigest } from './hash.js';
import { newRangeSecret, padRange, RANGE_SECRET_SETTING, type RangeEntry } from './range.js';
import { TokenBuckets } from './rate-limit.js';
import { KeyIdTaken, type AuditEntry, type AuditEvent, type IssuerSettings, type KeyRecord, type KeyStatus, type KeyStore } from './types.js';

export const DEFAULT_OVERLAP_MS = 48 * 3600_000;
export const DEFAULT_STALE_AFTER_MS = 90 * 86_400_000;
const LAST_USED_FLUSH_MS = 60_000;
const USED_AFTER_REVOCATION_LOG_INTERVAL_MS = 3600_000;
const SCOPE_SHAPE = /^[A-Za-z0-9_.:*-]{1,64}$/;

export interface IssuerOptions {
  /** Server-side secret for HMAC-SHA-256 hashing; required when the store was initialised with one. */
  pepper?: Buffer;
  /** Epoch milliseconds; tests pass a controllable clock. */
  clock?: () => number;
  /** How often coalesced last-used times are written; default 60 s. */
  lastUsedFlushMs?: number;
}

export interface CreateKeyOptions {
  name?: string;
  owner?: string;
  scopes?: string[];
  labels?: Record<string, string>;
  ipAllowlist?: string[];
  /** Requests per minute. */
  rateLimit?: number;
  expiresAt?: number;
  actor?: string;
}

export interface CreatedKey {
  /** The full key: shown once, never stored, never logged. */
  key: string;
  record: KeyView;
}

/** A key as callers see it: everything but the hash, plus its status now. */
export type KeyView = Omit<KeyRecord, 'hash'> & { status: KeyStatus };

export type VerifyFailure = ParseFailure | 'unknown' | 'revoked' | 'expired' | 'retired' | 'scope' | 'ip' | 'rate-limited';
export type VerifyResult = { ok: true; key: KeyView } | { ok: false; reason: VerifyFailure; keyId?: string };

export type LeakOutcome = { label: 'false_positive' } | { label: 'true_positive'; keyId: string; revoked: boolean; duplicate: boolean };

export interface VerifyContext {
  /** A scope the request needs; the key must hold it, `*`, or a `prefix:*` covering it. */
  scope?: string;
  /** The client's address, checked against the key's IP allowlist. */
  ip?: string;
}

export class Issuer {
  readonly format: KeyFormat;
  readonly settings: IssuerSettings;
  // Private: every write goes through a method that logs it, so nothing can change a key around the audit trail.
  readonly #store: KeyStore;
  #rangeSecret: string | undefined;
  readonly #pepper: Buffer | undefined;
  readonly #clock: () => number;
  readonly #pendingLastUsed = new Map<string, number>();
  readonly #buckets = new TokenBuckets();
  readonly #blockLists = new Map<string, BlockList>();
  readonly #revokedUseLogged = new Map<string, number>();
  readonly #flushTimer: NodeJS.Timeout;

  private constructor(store: KeyStore, settings: IssuerSettings, options: IssuerOptions) {
    this.#store = store;
    this.settings = settings;
    this.format = defineKeyFormat(settings);
    if ((settings.hashAlgorithm === 'hmac-sha256') !== (options.pepper !== undefined)) {
      throw new KeywardError(
        settings.hashAlgorithm === 'hmac-sha256'
          ? `${store.location}: this key database hashes with a pepper; pass the same pepper (KEYWARD_PEPPER)`
          : `${store.location}: this key database hashes with plain SHA-256; a pepper was given but is not used`,
      );
    }
    this.#pepper = options.pepper;
    this.#clock = options.clock ?? Date.now;
    this.#flushTimer = setInterval(() => void this.flush().catch(() => undefined), options.lastUsedFlushMs ?? LAST_USED_FLUSH_MS);
    this.#flushTimer.unref();
  }

  /** Fixes the key format of a new store. */
  static async init(store: KeyStore, format: { prefix: string; idLength?: number; bodyBits?: number }, options: IssuerOptions = {}): Promise<Issuer> {
    const existing = await store.readSettings();
    if (existing !== undefined) throw new KeywardError(`${store.location}: already initialised for prefix ${existing.prefix}`);
    const defined = defineKeyFormat(format);
    const settings: IssuerSettings = {
      prefix: defined.prefix,
      idLength: defined.idLength,
      bodyBits: format.bodyBits ?? 256,
      hashAlgorithm: options.pepper === undefined ? 'sha256' : 'hmac-sha256',
    };
    await store.writeSettings(settings);
    const issuer = new Issuer(store, settings, options);
    issuer.#rangeSecret = await store.settingOrInit(RANGE_SECRET_SETTING, newRangeSecret());
    return issuer;
  }

  static async open(store: KeyStore, options: IssuerOptions = {}): Promise<Issuer> {
    const settings = await store.readSettings();
    if (settings === undefined) throw new KeywardError(`${store.location}: no issuer settings`, { hint: 'run keyward keys init first' });
    return new Issuer(store, settings, options);
  }

  /** Where the keys live (a file path, or a PostgreSQL URL without its password). */
  get location(): string {
    return this.#store.location;
  }

  now(): number {
    return this.#clock();
  }

  hash(key: string): string {
    return hashKey(key, this.#pepper);
  }

  async create(options: CreateKeyOptions = {}): Promise<CreatedKey> {
    const now = this.#clock();
    const fields = validateCreateOptions(options, now);
    for (let attempt = 0; attempt < 5; attempt++) {
      const { key, id } = generateKey(this.format);
      const record: KeyRecord = { ...fields, id, hash: this.hash(key), preview: previewKey(this.format, key), createdAt: now, createdBy: options.actor ?? 'system' };
      const event: AuditEntry = { at: now, type: 'key.created', keyId: id, actor: record.createdBy, details: createdDetails(record) };
      if (await this.#store.insertKey(record, [event])) return { key, record: this.#view(record, now) };
    }
    throw new KeywardError('could not draw an unused key id in 5 attempts; use a longer id length');
  }

  async verify(key: unknown, context: VerifyContext = {}): Promise<VerifyResult> {
    const parsed = parseKey(this.format, key);
    if (!parsed.ok) return parsed;
    const record = await this.#store.findKey(parsed.id);
    if (record === undefined || !sameDigest(record.hash, this.hash(key as string))) return { ok: false, reason: 'unknown' };
    const now = this.#clock();
    const keyId = record.id;
    if (record.revokedAt !== undefined) {
      await this.#logUseAfterRevocation(record, now, context);
      return { ok: false, reason: 'revoked', keyId };
    }
    if (record.expiresAt !== undefined && record.expiresAt <= now) return { ok: false, reason: 'expired', keyId };
    if (record.rotationEndsAt !== undefined && record.rotationEndsAt <= now) return { ok: false, reason: 'retired', keyId };
    if (record.ipAllowlist.length > 0 && !this.#ipAllowed(record, context.ip)) return { ok: false, reason: 'ip', keyId };
    if (context.scope !== undefined && !hasScope(record.scopes, context.scope)) return { ok: false, reason: 'scope', keyId };
    if (record.rateLimit !== undefined && !this.#buckets.take(record.id, record.rateLimit, now)) return { ok: false, reason: 'rate-limited', keyId };
    this.#pendingLastUsed.set(record.id, now);
    return { ok: true, key: this.#view(record, now) };
  }

  async rotate(id: string, options: { overlapMs?: number; actor?: string } = {}): Promise<CreatedKey & { previous: KeyView }> {
    const overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
    if (!Number.isFinite(overlapMs) || overlapMs < 0) throw new KeywardError(`overlap ${overlapMs} must be zero or more milliseconds`);
    const actor = options.actor ?? 'system';
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = this.#clock();
      const old = await this.#require(id);
      const status = statusOf(old, now);
      if (status !== 'active') throw new KeywardError(`key ${id} is ${status}${old.rotatedTo ? ` (successor ${old.rotatedTo})` : ''}; only an active key can be rotated`);
      const { key, id: successorId } = generateKey(this.format);
      const successor: KeyRecord = {
        id: successorId,
        hash: this.hash(key),
        preview: previewKey(this.format, key),
        scopes: old.scopes,
        labels: old.labels,
        ipAllowlist: old.ipAllowlist,
        createdAt: now,
        createdBy: actor,
        rotatedFrom: old.id,
        ...(old.name === undefined ? {} : { name: old.name }),
        ...(old.owner === undefined ? {} : { owner: old.owner }),
        ...(old.rateLimit === undefined ? {} : { rateLimit: old.rateLimit }),
        ...(old.expiresAt === undefined ? {} : { expiresAt: now + (old.expiresAt - old.createdAt) }),
      };
      const endsAt = now + overlapMs;
      const events: AuditEntry[] = [
        { at: now, type: 'key.created', keyId: successorId, actor, details: { ...createdDetails(successor), rotatedFrom: old.id } },
        { at: now, type: 'key.rotated', keyId: old.id, actor, details: { successor: successorId, overlapEndsAt: new Date(endsAt).toISOString() } },
      ];
      try {
        if (!(await this.#store.rotateKey(old.id, successor, endsAt, events))) continue;
      } catch (error) {
        if (error instanceof KeyIdTaken) continue;
        throw error;
      }
      const previous = { ...old, rotatedTo: successorId, rotationEndsAt: endsAt };
      return { key, record: this.#view(successor, now, previous), previous: this.#view(previous, now) };
    }
    throw new KeywardError(`key ${id} changed while rotating it; try again`);
  }

  /** Soft revocation. Revoking a revoked key changes nothing and logs nothing (`revoked: false`). */
  async revoke(id: string, options: { reason?: string; actor?: string; details?: Record<string, unknown>; leaked?: boolean } = {}): Promise<{ revoked: boolean; key: KeyView }> {
    const now = this.#clock();
    const record = await this.#require(id);
    const reason = options.reason ?? 'revoked';
    const actor = options.actor ?? 'system';
    const events: AuditEntry[] = [];
    if (options.leaked) events.push({ at: now, type: 'key.leaked', keyId: id, actor, details: options.details ?? {} });
    events.push({ at: now, type: 'key.revoked', keyId: id, actor, details: { reason, ...(options.leaked ? {} : (options.details ?? {})) } });
    const revoked = await this.#store.revokeKey(id, { at: now, reason, actor }, events);
    const after = revoked ? { ...record, revokedAt: now, revokedReason: reason, revokedBy: actor } : ((await this.#store.findKey(id)) ?? record);
    this.#buckets.forget(id);
    return { revoked, key: this.#view(after, now) };
  }

  /**
   * A leak report (GitHub secret scanning or a keyward scanner): a token of ours that is not yet revoked is
   * revoked now, with `key.leaked` and `key.revoked` logged in one transaction. Reporting it again changes
   * nothing and logs nothing (`duplicate: true`). Anything not of our format, or not issued, is a false
   * positive; no lookup is made for a malformed token.
   */
  async reportLeak(token: unknown, report: { reporter: string; url?: string; source?: string; type?: string }): Promise<LeakOutcome> {
    const parsed = parseKey(this.format, token);
    if (!parsed.ok) return { label: 'false_positive' };
    const record = await this.#store.findKey(parsed.id);
    if (record === undefined || !sameDigest(record.hash, this.hash(token as string))) return { label: 'false_positive' };
    const details: Record<string, unknown> = { reporter: report.reporter };
    for (const field of ['url', 'source', 'type'] as const) if (report[field] !== undefined) details[field] = String(report[field]).slice(0, 2048);
    const { revoked, key } = await this.revoke(record.id, { reason: 'leaked', actor: report.reporter, details, leaked: true });
    return { label: 'true_positive', keyId: key.id, revoked, duplicate: !revoked };
  }

  async get(id: string): Promise<KeyView | undefined> {
    const record = await this.#store.findKey(id);
    return record === undefined ? undefined : this.#view(record, this.#clock());
  }

  async list(): Promise<KeyView[]> {
    const now = this.#clock();
    const records = await this.#store.listKeys();
    const byId = new Map(records.map((record) => [record.id, record]));
    return records.map((record) => this.#view(record, now, record.rotatedFrom === undefined ? undefined : byId.get(record.rotatedFrom)));
  }

  /** Usable keys not used for `unusedForMs` (never-used keys count from their creation). */
  async stale(unusedForMs = DEFAULT_STALE_AFTER_MS): Promise<KeyView[]> {
    await this.flush();
    const now = this.#clock();
    return (await this.list()).filter((key) => (key.status === 'active' || key.status === 'rotating') && now - (key.lastUsedAt ?? key.createdAt) >= unusedForMs);
  }

  /** Logs `key.expired` once for each key whose expiry has passed; returns them. */
  async expire(actor = 'system'): Promise<KeyView[]> {
    const now = this.#clock();
    const expired: KeyView[] = [];
    for (const record of await this.#store.listKeys()) {
      if (record.expiresAt === undefined || record.expiresAt > now || record.expiredAt !== undefined || record.revokedAt !== undefined) continue;
      const event: AuditEntry = { at: now, type: 'key.expired', keyId: record.id, actor, details: { expiresAt: new Date(record.expiresAt).toISOString() } };
      if (await this.#store.markExpired(record.id, now, [event])) expired.push(this.#view({ ...record, expiredAt: now }, now));
    }
    return expired;
  }

  /** The chain, its head, and the keys table replayed against the chain's state events. */
  async verifyAudit(): Promise<AuditVerification> {
    const events = await this.#store.auditEvents();
    const head = await this.#store.auditHead();
    return verifyAuditChain(events, head, await this.#store.listKeys());
  }

  async auditLog(): Promise<AuditEvent[]> {
    return this.#store.auditEvents();
  }

  /** `<sha256> live|revoked` per key, for scanners' `--verify-hashes FILE`; plain SHA-256 stores only. */
  async exportHashes(): Promise<{ hash: string; status: 'live' | 'revoked' }[]> {
    if (this.settings.hashAlgorithm !== 'sha256') throw new KeywardError('this database hashes with a pepper; its hashes cannot be matched by scanners');
    const now = this.#clock();
    return (await this.#store.listKeys()).map((record) => ({ hash: record.hash, status: livenessOf(record, now) }));
  }

  /**
   * A k-anonymity answer for the first 5 hex characters of a SHA-256: the suffixes of every key under it,
   * padded with decoys only this store's secret can tell apart (see padRange).
   */
  async rangeLookup(hexPrefix: string): Promise<RangeEntry[]> {
    if (!/^[0-9a-f]{5}$/.test(hexPrefix)) throw new KeywardError(`range '${hexPrefix.slice(0, 16)}': the first 5 lowercase hex characters of a SHA-256`);
    this.#rangeSecret ??= await this.#store.settingOrInit(RANGE_SECRET_SETTING, newRangeSecret());
    const now = this.#clock();
    const real = (await this.#store.keysWithHashPrefix(hexPrefix)).map((record) => ({ suffix: record.hash.slice(5), status: livenessOf(record, now) }));
    return padRange(this.#rangeSecret, hexPrefix, real);
  }

  /** The outcome of telling a key's owner about a leak (`key.owner_notified`). */
  async recordNotification(keyId: string, details: Record<string, unknown>, actor = 'server'): Promise<void> {
    await this.#store.appendEvents([{ at: this.#clock(), type: 'key.owner_notified', keyId, actor, details }]);
  }

  /** Writes the coalesced last-used times (one transaction, not one write per request). */
  async flush(): Promise<void> {
    if (this.#pendingLastUsed.size === 0) return;
    const pending = new Map(this.#pendingLastUsed);
    this.#pendingLastUsed.clear();
    await this.#store.touchKeys(pending);
  }

  async close(): Promise<void> {
    clearInterval(this.#flushTimer);
    try {
      await this.flush();
    } finally {
      await this.#store.close();
    }
  }

  async #require(id: string): Promise<KeyRecord> {
    // Not echoed: a key pasted where its id belongs must not reach a terminal or a log.
    if (typeof id !== 'string' || !/^[0-9A-Za-z]{1,24}$/.test(id)) throw new KeywardError('that is not a key id (the 8 base62 characters after the prefix; see keyward keys list)');
    const record = await this.#store.findKey(id);
    if (record === undefined) throw new KeywardError(`no key with id ${id} in ${this.#store.location}`);
    return record;
  }

  #view(record: KeyRecord, now: number, predecessor?: KeyRecord): KeyView {
    const { hash: _hash, ...rest } = record;
    let status = statusOf(record, now);
    if (status === 'active' && predecessor !== undefined && predecessor.rotationEndsAt !== undefined && predecessor.rotationEndsAt > now && predecessor.revokedAt === undefined) {
      status = 'rotating';
    }
    const pending = this.#pendingLastUsed.get(record.id);
    return { ...rest, ...(pending !== undefined && pending > (record.lastUsedAt ?? 0) ? { lastUsedAt: pending } : {}), status };
  }

  #ipAllowed(record: KeyRecord, ip: string | undefined): boolean {
    if (ip === undefined || isIP(ip) === 0) return false;
    let list = this.#blockLists.get(record.id);
    if (list === undefined) {
      list = blockListOf(record.ipAllowlist);
      this.#blockLists.set(record.id, list);
    }
    return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  }

  /** At most one event per key per hour per process: a leaked key hammered by an attacker must not flood the log. */
  async #logUseAfterRevocation(record: KeyRecord, now: number, context: VerifyContext): Promise<void> {
    const last = this.#revokedUseLogged.get(record.id);
    if (last !== undefined && now - last < USED_AFTER_REVOCATION_LOG_INTERVAL_MS) return;
    this.#revokedUseLogged.set(record.id, now);
    await this.#store.appendEvents([
      { at: now, type: 'key.used_after_revocation', keyId: record.id, actor: 'verifier', details: context.ip === undefined ? {} : { ip: context.ip } },
    ]);
  }
}

export function statusOf(record: KeyRecord, now: number): KeyStatus {
  if (record.revokedAt !== undefined) return 'revoked';
  if (record.expiresAt !== undefined && record.expiresAt <= now) return 'expired';
  if (record.rotationEndsAt !== undefined) return record.rotationEndsAt <= now ? 'retired' : 'rotating';
  return 'active';
}

/** What a scanner is told about a key: live while it still verifies (active or in its overlap window). */
export function livenessOf(record: KeyRecord, now: number): 'live' | 'revoked' {
  const status = statusOf(record, now);
  return status === 'active' || status === 'rotating' ? 'live' : 'revoked';
}

function hasScope(granted: readonly string[], needed: string): boolean {
  return granted.some((scope) => scope === '*' || scope === needed || (scope.endsWith(':*') && needed.startsWith(scope.slice(0, -1))));
}

function createdDetails(record: KeyRecord): Record<string, unknown> {
  return {
    preview: record.preview,
    scopes: record.scopes,
    ...(record.owner === undefined ? {} : { owner: record.owner }),
    ...(record.expiresAt === undefined ? {} : { expiresAt: new Date(record.expiresAt).toISOString() }),
  };
}

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/') as [string, string | undefined];
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

type CreateFields = Pick<KeyRecord, 'scopes' | 'labels' | 'ipAllowlist'> & Partial<Pick<KeyRecord, 'name' | 'owner' | 'rateLimit' | 'expiresAt'>>;

/** Rejects bad metadata with a message naming the field, before anything is generated or stored. */
function validateCreateOptions(options: CreateKeyOptions, now: number): CreateFields {
  const fields: CreateFields = { scopes: [], labels: {}, ipAllowlist: [] };
  for (const [field, value] of [['name', options.name], ['owner', options.owner]] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > 200 || /[\u0000-\u001f]/.test(value)) {
      throw new KeywardError(`${field}: must be 1 to 200 printable characters`);
    }
    fields[field] = value;
  }
  for (const scope of options.scopes ?? []) {
    if (!SCOPE_SHAPE.test(scope)) throw new KeywardError(`scope '${scope.slice(0, 80)}': use letters, digits and _ . : * - (at most 64)`);
  }
  fields.scopes = [...new Set(options.scopes ?? [])].sort();
  for (const [name, value] of Object.entries(options.labels ?? {})) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name) || typeof value !== 'string' || value.length > 200) {
      throw new KeywardError(`label '${name.slice(0, 80)}': names are letters, digits and _ . - (at most 64); values at most 200 characters`);
    }
  }
  fields.labels = { ...(options.labels ?? {}) };
  for (const cidr of options.ipAllowlist ?? []) {
    if (!isCidr(cidr)) throw new KeywardError(`ip allowlist: '${cidr.slice(0, 80)}' is not an IP address or CIDR block (e.g. 203.0.113.0/24)`);
  }
  fields.ipAllowlist = [...(options.ipAllowlist ?? [])];
  if (options.rateLimit !== undefined) {
    if (!Number.isInteger(options.rateLimit) || options.rateLimit < 1) throw new KeywardError(`rate limit: ${options.rateLimit} must be a whole number of requests per minute, at least 1`);
    fields.rateLimit = options.rateLimit;
  }
  if (options.expiresAt !== undefined) {
    if (!Number.isFinite(options.expiresAt) || options.expiresAt <= now) throw new KeywardError('expiry: must be in the future');
    if (Number.isNaN(new Date(options.expiresAt).getTime())) throw new KeywardError(`expiry: ${options.expiresAt} is past the last date a timestamp can hold`);
    fields.expiresAt = options.expiresAt;
  }
  return fields;
}

export function isCidr(text: string): boolean {
  const [address, bits, extra] = text.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 6 ? 128 : 32);
}
