import pg from 'pg';
import { KeywardError } from '../errors.js';
import { chainHash, GENESIS_HASH, withState } from './audit.js';
import { eventOf, fromRow, type AuditRow, type KeyRow } from './rows.js';
import { KeyIdTaken, STATE_EVENT_TYPES, type AuditEntry, type AuditEvent, type IssuerSettings, type KeyRecord, type KeyStore, type Revocation } from './types.js';

/** Any constant: the lock that serialises audit appends across every process sharing the database. */
const AUDIT_LOCK = 730_117_001;

const MIGRATIONS = [
  (schema: string) => `
    CREATE TABLE ${schema}.settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE ${schema}.keys (
      id TEXT COLLATE "C" PRIMARY KEY,
      hash TEXT COLLATE "C" NOT NULL UNIQUE,
      preview TEXT NOT NULL,
      name TEXT,
      owner TEXT,
      scopes TEXT NOT NULL,
      labels TEXT NOT NULL,
      ip_allowlist TEXT NOT NULL,
      rate_limit INTEGER,
      created_at BIGINT NOT NULL,
      created_by TEXT NOT NULL,
      expires_at BIGINT,
      expired_at BIGINT,
      last_used_at BIGINT,
      revoked_at BIGINT,
      revoked_reason TEXT,
      revoked_by TEXT,
      rotated_from TEXT,
      rotated_to TEXT,
      rotation_ends_at BIGINT
    );
    CREATE TABLE ${schema}.audit (
      seq BIGINT PRIMARY KEY,
      at BIGINT NOT NULL,
      type TEXT NOT NULL,
      key_id TEXT NOT NULL,
      actor TEXT NOT NULL,
      details TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE INDEX audit_key ON ${schema}.audit (key_id);`,
];

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * The same store on PostgreSQL, for issuers that outgrow one machine: several servers share one database.
 * Every mutation is one transaction; audit appends take a transaction-scoped advisory lock first, so two
 * writers in different processes can never fork the hash chain.
 */
export class PgKeyStore implements KeyStore {
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #schema: string;

  private constructor(pool: pg.Pool, location: string, schema: string) {
    this.#pool = pool;
    this.location = location;
    this.#schema = schema;
  }

  static async connect(connectionString: string, options: { schema?: string; maxConnections?: number } = {}): Promise<PgKeyStore> {
    const schema = options.schema ?? 'keyward';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new KeywardError(`schema '${schema}': use lowercase letters, digits and _`);
    const location = redactPassword(connectionString, options.schema);
    const pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 10_000,
      // BIGINT epoch milliseconds fit a double exactly; read them as numbers, not strings.
      types: { getTypeParser: ((oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
    });
    pool.on('error', () => undefined); // an idle client's error surfaces on its next query instead
    const store = new PgKeyStore(pool, location, schema);
    try {
      await store.#migrate();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw storeError(location, error);
    }
    return store;
  }

  async #migrate(): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.#schema}.schema_version (version INTEGER NOT NULL)`);
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${this.#schema}.schema_version`);
      const version = rows[0]?.version ?? 0;
      if (version > MIGRATIONS.length) throw new KeywardError(`${this.location}: the key database is schema version ${version}, newer than this keyward; upgrade keyward`);
      for (let step = version; step < MIGRATIONS.length; step++) await client.query(MIGRATIONS[step]!(this.#schema));
      if (rows.length === 0) await client.query(`INSERT INTO ${this.#schema}.schema_version (version) VALUES ($1)`, [MIGRATIONS.length]);
      else await client.query(`UPDATE ${this.#schema}.schema_version SET version = $1`, [MIGRATIONS.length]);
    });
  }

  async #transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw storeError(this.location, error);
    }
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw storeError(this.location, error);
    } finally {
      client.release();
    }
  }

  async #read<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.#pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw storeError(this.location, error);
    }
  }

  async #append(client: Queryable, events: AuditEntry[]): Promise<void> {
    if (events.length === 0) return;
    await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    const { rows } = await client.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM ${this.#schema}.audit ORDER BY seq DESC LIMIT 1`);
    let head = rows[0] ?? { seq: 0, hash: GENESIS_HASH };
    for (const entry of events) {
      // Read back inside the transaction: the state recorded is the row this change actually left.
      const keyRows = STATE_EVENT_TYPES.has(entry.type) ? (await client.query<KeyRow>(`SELECT * FROM ${this.#schema}.keys WHERE id = $1`, [entry.keyId])).rows : [];
      const event = withState(entry, keyRows[0] === undefined ? undefined : fromRow(keyRows[0]));
      const seq = head.seq + 1;
      const hash = chainHash(head.hash, seq, event);
      await client.query(`INSERT INTO ${this.#schema}.audit (seq, at, type, key_id, actor, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
        seq,
        event.at,
        event.type,
        event.keyId,
        event.actor,
        JSON.stringify(event.details),
        head.hash,
        hash,
      ]);
      head = { seq, hash };
    }
    await this.#putSetting(client, 'audit_head', JSON.stringify(head));
  }

  async #putSetting(client: Queryable, name: string, value: string): Promise<void> {
    await client.query(`INSERT INTO ${this.#schema}.settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, [name, value]);
  }

  async readSettings(): Promise<IssuerSettings | undefined> {
    const rows = await this.#read<{ value: string }>(`SELECT value FROM ${this.#schema}.settings WHERE name = 'issuer'`);
    return rows[0] === undefined ? undefined : (JSON.parse(rows[0].value) as IssuerSettings);
  }

  async writeSettings(settings: IssuerSettings): Promise<void> {
    await this.#transaction((client) => this.#putSetting(client, 'issuer', JSON.stringify(settings)));
  }

  async settingOrInit(name: string, value: string): Promise<string> {
    return this.#transaction(async (client) => {
      await client.query(`INSERT INTO ${this.#schema}.settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, value]);
      const { rows } = await client.query<{ value: string }>(`SELECT value FROM ${this.#schema}.settings WHERE name = $1`, [name]);
      return rows[0]!.value;
    });
  }

  async findKey(id: string): Promise<KeyRecord | undefined> {
    const rows = await this.#read<KeyRow>(`SELECT * FROM ${this.#schema}.keys WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    const rows = await this.#read<KeyRow>(`SELECT * FROM ${this.#schema}.keys WHERE hash = $1`, [hash]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (await this.#read<KeyRow>(`SELECT * FROM ${this.#schema}.keys ORDER BY created_at, id`)).map(fromRow);
  }

  async keysWithHashPrefix(hexPrefix: string): Promise<KeyRecord[]> {
    const low = hexPrefix.toLowerCase();
    return (await this.#read<KeyRow>(`SELECT * FROM ${this.#schema}.keys WHERE hash >= $1 AND hash < $2 ORDER BY hash`, [low, `${low}g`])).map(fromRow);
  }

  async insertKey(record: KeyRecord, events: AuditEntry[]): Promise<boolean> {
    return this.#transaction(async (client) => {
      const inserted = await this.#insert(client, record);
      if (inserted) await this.#append(client, events);
      return inserted;
    });
  }

  async #insert(client: Queryable, record: KeyRecord): Promise<boolean> {
    const result = await client.query(
      `INSERT INTO ${this.#schema}.keys (id, hash, preview, name, owner, scopes, labels, ip_allowlist, rate_limit, created_at, created_by, expires_at, rotated_from)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING`,
      [
        record.id,
        record.hash,
        record.preview,
        record.name ?? null,
        record.owner ?? null,
        JSON.stringify(record.scopes),
        JSON.stringify(record.labels),
        JSON.stringify(record.ipAllowlist),
        record.rateLimit ?? null,
        record.createdAt,
        record.createdBy,
        record.expiresAt ?? null,
        record.rotatedFrom ?? null,
      ],
    );
    return result.rowCount === 1;
  }

  async revokeKey(id: string, revocation: Revocation, events: AuditEntry[]): Promise<boolean> {
    return this.#transaction(async (client) => {
      const result = await client.query(`UPDATE ${this.#schema}.keys SET revoked_at = $1, revoked_reason = $2, revoked_by = $3 WHERE id = $4 AND revoked_at IS NULL`, [
        revocation.at,
        revocation.reason,
        revocation.actor,
        id,
      ]);
      if (result.rowCount !== 1) return false;
      await this.#append(client, events);
      return true;
    });
  }

  async rotateKey(id: string, successor: KeyRecord, rotationEndsAt: number, events: AuditEntry[]): Promise<boolean> {
    return this.#transaction(async (client) => {
      const result = await client.query(`UPDATE ${this.#schema}.keys SET rotated_to = $1, rotation_ends_at = $2 WHERE id = $3 AND revoked_at IS NULL AND rotated_to IS NULL`, [
        successor.id,
        rotationEndsAt,
        id,
      ]);
      if (result.rowCount !== 1) return false;
      if (!(await this.#insert(client, successor))) throw new KeyIdTaken();
      await this.#append(client, events);
      return true;
    });
  }

  async markExpired(id: string, at: number, events: AuditEntry[]): Promise<boolean> {
    return this.#transaction(async (client) => {
      const result = await client.query(`UPDATE ${this.#schema}.keys SET expired_at = $1 WHERE id = $2 AND expired_at IS NULL`, [at, id]);
      if (result.rowCount !== 1) return false;
      await this.#append(client, events);
      return true;
    });
  }

  async appendEvents(events: AuditEntry[]): Promise<void> {
    await this.#transaction((client) => this.#append(client, events));
  }

  async touchKeys(lastUsed: ReadonlyMap<string, number>): Promise<void> {
    if (lastUsed.size === 0) return;
    await this.#transaction(async (client) => {
      for (const [id, at] of lastUsed) {
        await client.query(`UPDATE ${this.#schema}.keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)`, [at, id]);
      }
    });
  }

  async auditEvents(): Promise<AuditEvent[]> {
    const rows = await this.#read<AuditRow>(`SELECT * FROM ${this.#schema}.audit ORDER BY seq`);
    return rows.map(eventOf);
  }

  async auditHead(): Promise<{ seq: number; hash: string } | undefined> {
    const rows = await this.#read<{ value: string }>(`SELECT value FROM ${this.#schema}.settings WHERE name = 'audit_head'`);
    return rows[0] === undefined ? undefined : (JSON.parse(rows[0].value) as { seq: number; hash: string });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`: locations appear in errors and logs. */
export function redactPassword(connectionString: string, schema?: string): string {
  try {
    const url = new URL(connectionString);
    url.password = '';
    // Named as the user would write it for --db, so two schemas on one server are told apart.
    if (schema !== undefined) url.searchParams.set('schema', schema);
    return url.toString();
  } catch {
    return 'postgres (unparsable connection string)';
  }
}

function storeError(location: string, error: unknown): Error {
  if (error instanceof KeywardError || error instanceof KeyIdTaken) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ECONNRESET' || /timeout/i.test(message)) {
    return new KeywardError(`${location}: cannot reach PostgreSQL (${code || message})`);
  }
  if (code === '28P01' || code === '28000') return new KeywardError(`${location}: PostgreSQL refused the login (${message})`);
  if (code === '3D000') return new KeywardError(`${location}: no such database (${message})`);
  if (code === '40001' || code === '40P01' || code === '55P03') return new KeywardError(`${location}: the key database is busy (${message}); nothing was changed`, { hint: 'retry' });
  return error instanceof Error ? error : new Error(message);
}
