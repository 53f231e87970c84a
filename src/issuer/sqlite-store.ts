import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { KeywardError } from '../errors.js';
import { chainHash, GENESIS_HASH, withState } from './audit.js';
import { eventOf, fromRow, type AuditRow, type KeyRow } from './rows.js';
import { KeyIdTaken, STATE_EVENT_TYPES, type AuditEntry, type AuditEvent, type IssuerSettings, type KeyRecord, type KeyStore, type Revocation } from './types.js';

/** Schema changes, in order; `PRAGMA user_version` records how many have run. Never edit a shipped one. */
const MIGRATIONS = [
  `CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
   CREATE TABLE keys (
     id TEXT PRIMARY KEY,
     hash TEXT NOT NULL UNIQUE,
     preview TEXT NOT NULL,
     name TEXT,
     owner TEXT,
     scopes TEXT NOT NULL,
     labels TEXT NOT NULL,
     ip_allowlist TEXT NOT NULL,
     rate_limit INTEGER,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     expires_at INTEGER,
     expired_at INTEGER,
     last_used_at INTEGER,
     revoked_at INTEGER,
     revoked_reason TEXT,
     revoked_by TEXT,
     rotated_from TEXT,
     rotated_to TEXT,
     rotation_ends_at INTEGER
   ) STRICT;
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     type TEXT NOT NULL,
     key_id TEXT NOT NULL,
     actor TEXT NOT NULL,
     details TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   ) STRICT;
   CREATE INDEX audit_key ON audit (key_id);`,
];

export interface SqliteStoreOptions {
  /** Create the file when it does not exist (only `keys init` does). */
  create?: boolean;
  /** How long to wait for another process's write lock before failing; default 5000 ms. */
  busyTimeoutMs?: number;
}

/**
 * The default store: one SQLite file in WAL mode (readers never wait for the writer; a second process sees a
 * revocation at its next read). better-sqlite3 is synchronous, which suits SQLite: each call is microseconds
 * and a transaction can never interleave with another caller's.
 */
export class SqliteKeyStore implements KeyStore {
  readonly location: string;
  readonly #db: Database.Database;
  readonly #statements;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.location = path;
    if (!options.create && !existsSync(path)) {
      throw new KeywardError(`${path}: no key database here`, { hint: 'create one with keyward keys init --db PATH --prefix acme_live_' });
    }
    if (options.create && !existsSync(path)) {
      const folder = dirname(path);
      if (!existsSync(folder)) throw new KeywardError(`${path}: the folder ${folder} does not exist`, { hint: 'create it first, or pick another --db path' });
      if (!statSync(folder).isDirectory()) throw new KeywardError(`${path}: ${folder} is not a folder`);
    }
    try {
      this.#db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    } catch (error) {
      // Opening a file fails only for reasons of the file (a folder, no permission): the user's to fix.
      const opened = storeError(path, error);
      throw opened instanceof KeywardError ? opened : new KeywardError(`${path}: cannot open the key database (${opened.message.split('\n')[0]})`);
    }
    try {
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.pragma('foreign_keys = ON');
      this.#migrate(options.create === true);
    } catch (error) {
      this.#db.close();
      throw storeError(path, error);
    }
    const db = this.#db;
    this.#statements = {
      setting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?'),
      initSetting: db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
      putSetting: db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      keyById: db.prepare<[string], KeyRow>('SELECT * FROM keys WHERE id = ?'),
      keyByHash: db.prepare<[string], KeyRow>('SELECT * FROM keys WHERE hash = ?'),
      keysByHashRange: db.prepare<[string, string], KeyRow>('SELECT * FROM keys WHERE hash >= ? AND hash < ? ORDER BY hash'),
      allKeys: db.prepare<[], KeyRow>('SELECT * FROM keys ORDER BY created_at, id'),
      insertKey: db.prepare(
        `INSERT INTO keys (id, hash, preview, name, owner, scopes, labels, ip_allowlist, rate_limit, created_at, created_by, expires_at, rotated_from)
         VALUES (@id, @hash, @preview, @name, @owner, @scopes, @labels, @ip_allowlist, @rate_limit, @created_at, @created_by, @expires_at, @rotated_from)
         ON CONFLICT (id) DO NOTHING`,
      ),
      revoke: db.prepare('UPDATE keys SET revoked_at = ?, revoked_reason = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL'),
      rotate: db.prepare('UPDATE keys SET rotated_to = ?, rotation_ends_at = ? WHERE id = ? AND revoked_at IS NULL AND rotated_to IS NULL'),
      markExpired: db.prepare('UPDATE keys SET expired_at = ? WHERE id = ? AND expired_at IS NULL'),
      touch: db.prepare('UPDATE keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)'),
      lastEvent: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1'),
      insertEvent: db.prepare('INSERT INTO audit (seq, at, type, key_id, actor, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      allEvents: db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY seq'),
    };
  }

  #migrate(create: boolean): void {
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    if (version === 0 && !create) {
      throw new KeywardError(`${this.location}: not a keyward key database (no keyward tables)`, { hint: 'create one with keyward keys init' });
    }
    if (version > MIGRATIONS.length) {
      throw new KeywardError(`${this.location}: the key database is schema version ${version}, newer than this keyward (${MIGRATIONS.length}); upgrade keyward`);
    }
    for (let step = version; step < MIGRATIONS.length; step++) {
      this.#db.transaction(() => {
        this.#db.exec(MIGRATIONS[step]!);
        this.#db.pragma(`user_version = ${step + 1}`);
      }).immediate();
    }
  }

  /** Every write runs here: `BEGIN IMMEDIATE` takes the write lock first, so the audit chain never forks. */
  #write<T>(body: () => T): T {
    try {
      return this.#db.transaction(body).immediate();
    } catch (error) {
      throw storeError(this.location, error);
    }
  }

  #read<T>(body: () => T): T {
    try {
      return body();
    } catch (error) {
      throw storeError(this.location, error);
    }
  }

  #append(events: AuditEntry[]): void {
    if (events.length === 0) return;
    let head = this.#statements.lastEvent.get() ?? { seq: 0, hash: GENESIS_HASH };
    for (const entry of events) {
      // Read back inside the transaction: the state recorded is the row this change actually left.
      const row = STATE_EVENT_TYPES.has(entry.type) ? this.#statements.keyById.get(entry.keyId) : undefined;
      const event = withState(entry, row === undefined ? undefined : fromRow(row));
      const seq = head.seq + 1;
      const hash = chainHash(head.hash, seq, event);
      this.#statements.insertEvent.run(seq, event.at, event.type, event.keyId, event.actor, JSON.stringify(event.details), head.hash, hash);
      head = { seq, hash };
    }
    this.#statements.putSetting.run('audit_head', JSON.stringify(head));
  }

  async readSettings(): Promise<IssuerSettings | undefined> {
    const row = this.#read(() => this.#statements.setting.get('issuer'));
    return row === undefined ? undefined : (JSON.parse(row.value) as IssuerSettings);
  }

  async writeSettings(settings: IssuerSettings): Promise<void> {
    this.#write(() => this.#statements.putSetting.run('issuer', JSON.stringify(settings)));
  }

  async settingOrInit(name: string, value: string): Promise<string> {
    return this.#write(() => {
      this.#statements.initSetting.run(name, value);
      return this.#statements.setting.get(name)!.value;
    });
  }

  async findKey(id: string): Promise<KeyRecord | undefined> {
    const row = this.#read(() => this.#statements.keyById.get(id));
    return row === undefined ? undefined : fromRow(row);
  }

  /** Synchronous lookup for the verification hot path (no promise per request). */
  findKeySync(id: string): KeyRecord | undefined {
    const row = this.#read(() => this.#statements.keyById.get(id));
    return row === undefined ? undefined : fromRow(row);
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    const row = this.#read(() => this.#statements.keyByHash.get(hash));
    return row === undefined ? undefined : fromRow(row);
  }

  async listKeys(): Promise<KeyRecord[]> {
    return this.#read(() => this.#statements.allKeys.all()).map(fromRow);
  }

  async keysWithHashPrefix(hexPrefix: string): Promise<KeyRecord[]> {
    const low = hexPrefix.toLowerCase();
    return this.#read(() => this.#statements.keysByHashRange.all(low, `${low}g`)).map(fromRow);
  }

  async insertKey(record: KeyRecord, events: AuditEntry[]): Promise<boolean> {
    return this.#write(() => {
      const inserted = this.#statements.insertKey.run(toInsertRow(record)).changes === 1;
      if (inserted) this.#append(events);
      return inserted;
    });
  }

  async revokeKey(id: string, revocation: Revocation, events: AuditEntry[]): Promise<boolean> {
    return this.#write(() => {
      const changed = this.#statements.revoke.run(revocation.at, revocation.reason, revocation.actor, id).changes === 1;
      if (changed) this.#append(events);
      return changed;
    });
  }

  async rotateKey(id: string, successor: KeyRecord, rotationEndsAt: number, events: AuditEntry[]): Promise<boolean> {
    return this.#write(() => {
      if (this.#statements.rotate.run(successor.id, rotationEndsAt, id).changes !== 1) return false;
      if (this.#statements.insertKey.run(toInsertRow(successor)).changes !== 1) throw new KeyIdTaken();
      this.#append(events);
      return true;
    });
  }

  async markExpired(id: string, at: number, events: AuditEntry[]): Promise<boolean> {
    return this.#write(() => {
      const changed = this.#statements.markExpired.run(at, id).changes === 1;
      if (changed) this.#append(events);
      return changed;
    });
  }

  async appendEvents(events: AuditEntry[]): Promise<void> {
    this.#write(() => this.#append(events));
  }

  async touchKeys(lastUsed: ReadonlyMap<string, number>): Promise<void> {
    if (lastUsed.size === 0) return;
    this.#write(() => {
      for (const [id, at] of lastUsed) this.#statements.touch.run(at, id, at);
    });
  }

  async auditEvents(): Promise<AuditEvent[]> {
    return this.#read(() => this.#statements.allEvents.all()).map(eventOf);
  }

  async auditHead(): Promise<{ seq: number; hash: string } | undefined> {
    const row = this.#read(() => this.#statements.setting.get('audit_head'));
    return row === undefined ? undefined : (JSON.parse(row.value) as { seq: number; hash: string });
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

function toInsertRow(record: KeyRecord): Record<string, unknown> {
  return {
    id: record.id,
    hash: record.hash,
    preview: record.preview,
    name: record.name ?? null,
    owner: record.owner ?? null,
    scopes: JSON.stringify(record.scopes),
    labels: JSON.stringify(record.labels),
    ip_allowlist: JSON.stringify(record.ipAllowlist),
    rate_limit: record.rateLimit ?? null,
    created_at: record.createdAt,
    created_by: record.createdBy,
    expires_at: record.expiresAt ?? null,
    rotated_from: record.rotatedFrom ?? null,
  };
}

function storeError(path: string, error: unknown): Error {
  if (error instanceof KeywardError || error instanceof KeyIdTaken) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') {
    return new KeywardError(`${path}: the key database is locked by another process; nothing was changed`, { hint: 'retry when the other writer has finished' });
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) {
    return new KeywardError(`${path}: not a keyward key database, or the file is corrupt (${code})`);
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || code === 'SQLITE_FULL' || code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_')) {
    return new KeywardError(`${path}: cannot use the key database (${code}: ${(error as Error).message})`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
