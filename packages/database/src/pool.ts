import pg from 'pg';

export type Pool = pg.Pool;
export type Client = pg.PoolClient;

// bigint columns come back as JS numbers: relocated ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export function createPool(databaseUrl: string, max = 5): Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, application_name: 'relocate' });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs fn in one transaction; rolls back on any error so nothing is left half-written. */
export async function withTransaction<T>(pool: Pool, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
