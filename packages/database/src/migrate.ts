import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { type Client, type Pool, withClient } from './pool.ts';

const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));
// Any constant: it serializes concurrent starters (several services booting at once).
const lockKey = 7_220_614;

export interface Migration { version: number; name: string; sql: string; checksum: string }

export function loadMigrations(dir: string = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(path.join(dir, f), 'utf8');
      return { version: Number(f.slice(0, 4)), name: f, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Applies pending migrations in order, each in its own transaction, and records each applied version. */
export function migrate(pool: Pool, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  return withClient(pool, (client) => migrateWith(client, migrations));
}

async function migrateWith(client: Client, migrations: Migration[]): Promise<string[]> {
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    await client.query(`CREATE TABLE IF NOT EXISTS public.relocate_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM public.relocate_schema_migrations',
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    for (const m of migrations) {
      const prior = done.get(m.version);
      if (prior) {
        if (prior.checksum !== m.checksum) {
          throw new Error(`migration ${m.name} was changed after it was applied (recorded as ${prior.name}); add a new migration instead`);
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        // sql-audit: a migration file is SQL shipped and reviewed with the code, checksummed, never input
        await client.query(m.sql);
        await client.query('INSERT INTO public.relocate_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
        await client.query('COMMIT');
        applied.push(m.name);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
  }
  return applied;
}
