// The machine's own PostgreSQL server (127.0.0.1:5432, trust auth). Never stopped by this stack.
import fs from 'node:fs';
import pg from 'pg';
import { ident, sql } from '@relocate/database';
import { StackError } from './errors.ts';
import { run, sleep, type Log } from './process.ts';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/relocate';
const START_TIMEOUT_MS = 30_000;

function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

function databaseName(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new StackError(`not a valid database URL: ${JSON.stringify(databaseUrl)}`);
  }
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new StackError(`database URL names no database: ${databaseUrl}`);
  return name;
}

async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Server version when the server of this URL accepts a connection to its `postgres` database. */
export async function postgresVersion(databaseUrl = DEFAULT_DATABASE_URL): Promise<string | undefined> {
  try {
    return await withClient(withDatabase(databaseUrl, 'postgres'), async (c) => {
      const res = await c.query<{ server_version: string }>('SHOW server_version');
      return res.rows[0]?.server_version;
    });
  } catch {
    return undefined;
  }
}

/** Installed cluster versions (folder names under /etc/postgresql), newest first. */
function clusterVersions(): string[] {
  try {
    return fs
      .readdirSync('/etc/postgresql')
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    return [];
  }
}

/** Make sure the local server answers, starting the `main` cluster with pg_ctlcluster if needed. */
export async function ensurePostgres(log: Log, databaseUrl = DEFAULT_DATABASE_URL): Promise<string> {
  const running = await postgresVersion(databaseUrl);
  if (running) return running;
  const version = clusterVersions()[0];
  if (!version) {
    throw new StackError(`postgresql: nothing answers at ${databaseUrl} and no cluster was found under /etc/postgresql`);
  }
  const args = ['--skip-systemctl-redirect', version, 'main', 'start'];
  log(`postgresql: not answering, running pg_ctlcluster ${args.join(' ')}`);
  try {
    await run('pg_ctlcluster', args, { timeoutMs: START_TIMEOUT_MS });
  } catch (err) {
    throw new StackError(`postgresql failed to start: ${(err as Error).message}`);
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const v = await postgresVersion(databaseUrl);
    if (v) return v;
    await sleep(250);
  }
  throw new StackError(`postgresql: started cluster ${version}/main, but ${databaseUrl} did not answer within ${START_TIMEOUT_MS / 1000} s`);
}

/** Create the database named in the URL when it does not exist (connects to `postgres` on the same server). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await withClient(withDatabase(databaseUrl, 'postgres'), async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return;
    try {
      await client.query(sql`CREATE DATABASE ${ident(name)}`.text);
    } catch (err) {
      // 42P04 duplicate_database (or 23505 on the catalog index): created concurrently, which is fine.
      const code = (err as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw err;
    }
  });
}

/** Drop the database named in the URL when it exists, closing its connections. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await withClient(withDatabase(databaseUrl, 'postgres'), async (client) => {
    await client.query(sql`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`.text);
  });
}
