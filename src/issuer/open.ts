import { KeywardError } from '../errors.js';
import type { KeyStore } from './types.js';

export interface OpenKeyStoreOptions {
  /** Create the database when it does not exist (only `keys init` does; PostgreSQL tables are always created). */
  create?: boolean;
}

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

export function isPostgresSpec(spec: string): boolean {
  return POSTGRES_URL.test(spec);
}

/**
 * The one place a store is chosen: `postgres://…` or `postgresql://…` is a PostgreSQL database (an optional
 * `?schema=NAME` picks the schema, default `keyward`), anything else a SQLite file. Each driver loads only
 * when it is used.
 */
export async function openKeyStore(spec: string, options: OpenKeyStoreOptions = {}): Promise<KeyStore> {
  if (typeof spec !== 'string' || spec.trim() === '') throw new KeywardError('--db: name a key database (a SQLite file or a postgres:// URL)');
  if (isPostgresSpec(spec)) {
    const { connectionString, schema } = splitSchema(spec);
    const { PgKeyStore } = await import('./pg-store.js');
    return PgKeyStore.connect(connectionString, schema === undefined ? {} : { schema });
  }
  const { SqliteKeyStore } = await import('./sqlite-store.js');
  return new SqliteKeyStore(spec, options.create === undefined ? {} : { create: options.create });
}

/** `schema` is keyward's parameter, not libpq's: it is taken off before the URL reaches the driver. */
function splitSchema(spec: string): { connectionString: string; schema?: string } {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new KeywardError('the postgres:// URL does not parse (postgres://USER:PASSWORD@HOST:PORT/DATABASE)');
  }
  const schema = url.searchParams.get('schema');
  if (schema === null) return { connectionString: spec };
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}
