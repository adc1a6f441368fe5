import { createHash } from 'node:crypto';
import type { Pool } from '@relocate/database';

/** A digest of whole tables, row by row in id order: equal digests mean nothing changed. */
export async function digestTables(pool: Pool, tables: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await pool.query(`SELECT * FROM ${table} t ORDER BY t::text`);
    out[table] = `${rows.length}:${createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16)}`;
  }
  return out;
}

export async function rowCount(pool: Pool, table: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? 0;
}
