import type { Pool } from '@relocate/database';
import { eventually } from './eventually.ts';

/** Waits until a query of relocate in this database waits for a lock: the lock a test took has stopped the pipeline. */
export async function untilPipelineWaitsOnLock(pool: Pool, timeoutMs: number): Promise<void> {
  await eventually('a query of relocate waiting on the lock', async () => {
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'relocate' AND wait_event_type = 'Lock'",
    );
    return (rows[0]?.n ?? 0) > 0 ? true : undefined;
  }, timeoutMs, 100);
}
