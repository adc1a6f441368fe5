import { createPool, type DatabaseTarget } from './pool.ts';
import { ident, sql } from './sql.ts';

/** Another database on the same server, reached with the same credentials and TLS settings. */
export function onDatabase(target: DatabaseTarget, database: string): DatabaseTarget {
  const url = new URL(target.databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return { ...target, databaseUrl: url.toString() };
}

/** Drops (forcing out its sessions) and creates the database the target names, for tests and benchmarks. */
export async function recreateDatabase(target: DatabaseTarget): Promise<void> {
  const name = decodeURIComponent(new URL(target.databaseUrl).pathname.slice(1));
  const admin = createPool(onDatabase(target, 'postgres'), 1);
  try {
    await admin.query(sql`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`.text);
    await admin.query(sql`CREATE DATABASE ${ident(name)}`.text);
  } finally {
    await admin.end();
  }
}
