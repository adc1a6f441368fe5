import { createHash } from 'node:crypto';
import type { Pool } from '@relocate/database';

// Bookkeeping that records how a run went rather than what it left: counts of deliveries, offsets, timestamps.
const notState = new Set(['relocate.relocation', 'relocate.relocation_stage', 'relocate.record_watermark', 'public.relocate_schema_migrations']);
// Columns that differ between two equal runs: a surrogate id of bookkeeping, and event fields taken from the clock.
// Sentry's import also draws some values afresh on every write: an unclaimed user's random password, an email's
// validation hash, the hash that lets an unclaimed user claim the account, and when it drew them. Two clean runs
// differ in these too.
const expressions: Record<string, Record<string, string>> = {
  'relocate.finding': { id: '' },
  'public.auth_user': { password: '', last_password_change: '' },
  'public.sentry_useremail': { validation_hash: '', date_hash_added: '' },
  'public.sentry_lostpasswordhash': { hash: '' },
  'relocate.saved_event': { message: `(message - 'receivedTimestamp') || jsonb_build_object('data', (message->>'data')::jsonb - 'received')` },
};

/**
 * The columns that make up a table's state, as select expressions, for every table of the Sentry and relocate
 * schemas but bookkeeping. Columns the database stamps with the time of the write (a default of now()) are left
 * out, since two runs never write at the same moment, and so are the values listed above.
 */
export async function stateColumns(pool: Pool): Promise<Map<string, string[]>> {
  const { rows: columns } = await pool.query<{ t: string; c: string; d: string | null }>(
    `SELECT table_schema || '.' || table_name AS t, column_name AS c, column_default AS d FROM information_schema.columns
     WHERE table_schema IN ('public', 'relocate') ORDER BY t, ordinal_position`,
  );
  const tables = new Map<string, string[]>();
  for (const { t, c, d } of columns) {
    if (notState.has(t) || /now\(\)|CURRENT_TIMESTAMP/i.test(d ?? '')) continue;
    const expr = expressions[t]?.[c] ?? `"${c}"`;
    if (expr === '') continue;
    tables.set(t, [...(tables.get(t) ?? []), `${expr} AS "${c}"`]);
  }
  return tables;
}

/** A digest of sorted lines: equal for equal multisets of rows. */
export function linesDigest(lines: string[]): string {
  return `${lines.length}:${createHash('sha256').update([...lines].sort().join('\n')).digest('hex').slice(0, 16)}`;
}

/** A digest per table of everything a relocation leaves in the database: every Sentry table and the relocate bookkeeping, row by row. */
export async function stateDigest(pool: Pool): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, cols] of await stateColumns(pool)) {
    const { rows } = await pool.query(`SELECT ${cols.join(', ')} FROM ${table}`);
    if (rows.length > 0) out[table] = linesDigest(rows.map((r) => JSON.stringify(r)));
  }
  return out;
}
