import type { Pool } from '@relocate/database';

/** What the relocation record says a stage should do with a relocation's next record. */
export type Disposition = 'process' | 'pause' | 'skip' | 'park';

/**
 * Read for every record, not cached: a pause, cancel or retry must take effect at the very next record, and the
 * stage that parked a relocation must park the record right after the failed one.
 */
export async function dispositionOf(pool: Pool, relocationId: string, stage: string): Promise<Disposition> {
  const { rows } = await pool.query<{ status: string | null; paused: boolean | null; parked: boolean }>(
    `SELECT (SELECT status FROM relocate.relocation WHERE id = $1) AS status,
            (SELECT paused FROM relocate.relocation WHERE id = $1) AS paused,
            EXISTS (SELECT 1 FROM relocate.parked_relocation WHERE relocation_id = $1 AND stage = $2) AS parked`,
    [relocationId, stage],
  );
  const r = rows[0];
  if (!r) return 'process';
  if (r.status === 'cancelled') return 'skip';
  if (r.parked) return 'park';
  if (r.paused && r.status === 'running') return 'pause';
  return 'process';
}

/** Later records of the relocation at this stage go to the DLQ behind the failed one until a retry. */
export async function parkRelocation(pool: Pool, relocationId: string, stage: string, reason: string): Promise<void> {
  await pool.query(
    `INSERT INTO relocate.parked_relocation (relocation_id, stage, reason) VALUES ($1, $2, $3) ON CONFLICT (relocation_id, stage) DO NOTHING`,
    [relocationId, stage, reason],
  );
}
