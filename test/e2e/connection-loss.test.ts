import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createPool, withTransaction } from '@relocate/database';
import { disconnect } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';

// What a PostgreSQL restart does to every open connection, done to this test's own connections only.
let world: TestEnvironment;
before(async () => {
  world = await testEnvironment('connection_loss');
});
after(async () => {
  await disconnect(world.connections);
});

test('a transaction whose connection the server ends between two queries fails, and the process and the pool go on', async () => {
  const pool = createPool(world.config, 1);
  const admin = new pg.Client({ connectionString: world.config.databaseUrl });
  await admin.connect();
  try {
    const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0]?.pid;
    const tx = withTransaction(pool, async (client) => {
      await client.query('SELECT 1');
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      // The server's notice arrives while no query runs; an unhandled 'error' event here would end the process.
      await new Promise((r) => setTimeout(r, 500));
      await client.query('SELECT 1');
    });
    await assert.rejects(tx, /connection error|terminat/i);
    const again = await pool.query<{ one: number }>('SELECT 1 AS one');
    assert.deepEqual(again.rows, [{ one: 1 }], 'the broken client was dropped and a new one connected');
  } finally {
    await admin.end();
    await pool.end();
  }
});
