import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { loadConfig } from '@relocate/config';
import { createPool, migrate } from '@relocate/database';
import { makeCertificates, type Certificates } from '../harness/certificates.ts';
import { type TlsPostgres, startTlsPostgres } from '../harness/tls-postgres.ts';

// A dedicated cluster with ssl=on: the machine's server has ssl off, and its configuration is not ours to change.
const port = Number(process.env.RELOCATE_STACK_KAFKA_PORT ?? 9092) + 4;
let certs: Certificates;
let server: TlsPostgres;

before(() => {
  certs = makeCertificates();
  server = startTlsPostgres(certs, port);
});

after(() => {
  server?.stop();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

/** Connects with the pool the config describes, exactly as every process does, and asks the server about the session. */
async function session(env: NodeJS.ProcessEnv): Promise<{ ssl: boolean; version: string | null }> {
  const pool = createPool(loadConfig(env), 1);
  try {
    const { rows } = await pool.query<{ ssl: boolean; version: string | null }>('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return rows[0] as { ssl: boolean; version: string | null };
  } finally {
    await pool.end();
  }
}

test('DATABASE_SSL_MODE verify-full with the CA connects with TLS, and migrations run over it', async () => {
  const env = { DATABASE_URL: server.url, DATABASE_SSL_MODE: 'verify-full', DATABASE_SSL_CA_FILE: certs.ca };
  const s = await session(env);
  assert.equal(s.ssl, true);
  assert.match(s.version ?? '', /^TLSv1\.[23]$/);
  const pool = createPool(loadConfig(env), 2);
  try {
    await migrate(pool);
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.relocate_schema_migrations');
    assert.ok((rows[0]?.n ?? 0) > 0);
  } finally {
    await pool.end();
  }
});

test('sslmode and sslrootcert in DATABASE_URL are honoured', async () => {
  assert.equal((await session({ DATABASE_URL: `${server.url}?sslmode=verify-ca&sslrootcert=${encodeURIComponent(certs.ca)}` })).ssl, true);
  assert.equal((await session({ DATABASE_URL: `${server.url}?sslmode=require` })).ssl, true);
});

test('without a TLS mode the same server is reached in plain text: TLS comes from the config, not the server', async () => {
  assert.deepEqual(await session({ DATABASE_URL: server.url }), { ssl: false, version: null });
});

test('a server certificate from a CA the config does not name is refused', async () => {
  for (const mode of ['verify-full', 'verify-ca', 'require']) {
    await assert.rejects(session({ DATABASE_URL: server.url, DATABASE_SSL_MODE: mode, DATABASE_SSL_CA_FILE: certs.otherCa }), /self[- ]signed|unable to verify|certificate/i, mode);
  }
  await assert.rejects(session({ DATABASE_URL: server.url, DATABASE_SSL_MODE: 'verify-full' }), /self[- ]signed|unable to verify|certificate/i, 'the system CAs do not trust it either');
});

test('a TLS mode against a server without TLS fails instead of falling back to plain text', async () => {
  const plain = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  plain.pathname = '/postgres';
  await assert.rejects(session({ DATABASE_URL: plain.toString(), DATABASE_SSL_MODE: 'require' }), /does not support SSL/);
});
