import type { Pool } from '@relocate/database';

/** What the relocation record says a stage should do with a relocation's next record. */
export type Disposition = 'process' | 'pause' | 'skip' | 'park';

export interface RelocationControl { status: string | null; paused: boolean | null; parked: boolean }

/** The decision for one relocation; an unknown relocation (no record: status null) is processed. */
export function dispositionFrom(r: RelocationControl): Disposition {
  if (r.status === 'cancelled') return 'skip';
  if (r.parked) return 'park';
  if (r.paused && r.status === 'running') return 'pause';
  return 'process';
}

/**
 * Read for the relocations of a fetched batch in one query, not cached beyond it: a pause, cancel or retry takes
 * effect at the next batch, and the stage that parks a relocation reads it again itself (see startStage).
 */
export async function dispositionsOf(pool: Pool, relocationIds: string[], stage: string): Promise<Map<string, Disposition>> {
  const { rows } = await pool.query<RelocationControl & { id: string }>(
    `SELECT w.id, r.status, r.paused,
            EXISTS (SELECT 1 FROM relocate.parked_relocation p WHERE p.relocation_id = w.id AND p.stage = $2) AS parked
     FROM unnest($1::text[]) AS w(id) LEFT JOIN relocate.relocation r ON r.id = w.id`,
    [relocationIds, stage],
  );
  return new Map(rows.map((r) => [r.id, dispositionFrom(r)]));
}

export async function dispositionOf(pool: Pool, relocationId: string, stage: string): Promise<Disposition> {
  return (await dispositionsOf(pool, [relocationId], stage)).get(relocationId) ?? 'process';
}

/** Later records of the relocation at this stage go to the DLQ behind the failed one until a retry. */
export async function parkRelocation(pool: Pool, relocationId: string, stage: string, reason: string): Promise<void> {
  await pool.query(
    `INSERT INTO relocate.parked_relocation (relocation_id, stage, reason) VALUES ($1, $2, $3) ON CONFLICT (relocation_id, stage) DO NOTHING`,
    [relocationId, stage, reason],
  );
}
