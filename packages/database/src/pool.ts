import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { type Config, type DatabaseSsl, withoutSslParams } from '@relocate/config';

export type Pool = pg.Pool;
export type Client = pg.PoolClient;

// bigint columns come back as JS numbers: relocated ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/** Where a pool connects: the configured database, or another on the same server with the same TLS settings. */
export type DatabaseTarget = Pick<Config, 'databaseUrl' | 'databaseSsl'>;

/** libpq's sslmode meanings in node's TLS options (node-postgres alone reads `require` as verify-full). */
export function tlsOptions(ssl: DatabaseSsl): ConnectionOptions | false {
  const ca = ssl.ca === undefined ? {} : { ca: ssl.ca };
  switch (ssl.mode) {
    case 'disable': return false;
    case 'require': return ssl.ca === undefined ? { rejectUnauthorized: false } : { ...ca, checkServerIdentity: () => undefined };
    case 'verify-ca': return { ...ca, checkServerIdentity: () => undefined };
    case 'verify-full': return ca;
  }
}

export function createPool(target: DatabaseTarget, max = 5): Pool {
  const pool = new pg.Pool({ connectionString: withoutSslParams(target.databaseUrl), ssl: tlsOptions(target.databaseSsl), max, application_name: 'relocate' });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A client of the pool for fn's use. The pool listens for errors only on idle clients: a checked-out client
 * whose connection the server ends between two queries (a restart, an administrator) would otherwise crash the
 * process with an unhandled 'error' event. The error reaches fn through its next query; the broken client is
 * destroyed rather than returned to the pool.
 */
export async function withClient<T>(pool: Pool, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Runs fn in one transaction; rolls back on any error so nothing is left half-written. */
export function withTransaction<T>(pool: Pool, fn: (client: Client) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

/**
 * Runs fn in one transaction and always rolls it back: what fn writes is seen by fn alone and never kept
 * (`relocate plan`). Sequences are not transactional: ids fn draws stay drawn.
 */
export function withRolledBackTransaction<T>(pool: Pool, fn: (client: Client) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      return await fn(client);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}
