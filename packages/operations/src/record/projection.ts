import { type RelocationEvent, stageNames } from '@relocate/codec';
import type { Client } from '@relocate/database';

/**
 * Applies one event to the relocation record. Events of one relocation share a partition, so they arrive in the
 * order they were published; the watermark (see applyAt) makes each one apply once.
 */
export async function applyEvent(client: Client, e: RelocationEvent): Promise<void> {
  const at = new Date(e.at);
  const id = e.relocationId;
  switch (e.type) {
    case 'STARTED':
      // A run (or a re-run under the same id) starts every stage from pending.
      await client.query(`INSERT INTO relocate.relocation (id, options) VALUES ($1, '{}') ON CONFLICT (id) DO NOTHING`, [id]);
      await client.query('UPDATE relocate.relocation SET paused = false, updated_at = $2 WHERE id = $1', [id, at]);
      await client.query('DELETE FROM relocate.relocation_stage WHERE relocation_id = $1', [id]);
      await client.query(
        `INSERT INTO relocate.relocation_stage (relocation_id, stage, updated_at) SELECT $1, s, $2 FROM unnest($3::text[]) AS s`,
        [id, at, [...stageNames]],
      );
      return;
    case 'STAGE_PROGRESS':
      await client.query(
        `INSERT INTO relocate.relocation_stage AS s (relocation_id, stage, state, records_in, records_out, first_partition, first_offset, started_at, updated_at)
         VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $7)
         ON CONFLICT (relocation_id, stage) DO UPDATE SET
           state = CASE WHEN s.state = 'pending' THEN 'running' ELSE s.state END,
           records_in = s.records_in + EXCLUDED.records_in,
           records_out = s.records_out + EXCLUDED.records_out,
           first_partition = COALESCE(s.first_partition, EXCLUDED.first_partition),
           first_offset = CASE WHEN s.first_offset IS NULL OR (s.first_partition = EXCLUDED.first_partition AND EXCLUDED.first_offset < s.first_offset)
                               THEN EXCLUDED.first_offset ELSE s.first_offset END,
           started_at = COALESCE(s.started_at, EXCLUDED.started_at),
           updated_at = EXCLUDED.updated_at`,
        [id, e.stage, e.recordsIn ?? 0, e.recordsOut ?? 0, e.firstPartition ?? null, e.firstOffset ?? null, at],
      );
      return;
    case 'STAGE_DONE':
      await upsertStage(client, id, e.stage, 'done', null, at);
      return;
    case 'STAGE_FAILED':
      await upsertStage(client, id, e.stage, 'failed', e.reason ?? 'failed', at);
      await client.query(
        `UPDATE relocate.relocation SET status = 'failure', reason = COALESCE(reason, $2), updated_at = $3 WHERE id = $1 AND status = 'running'`,
        [id, e.reason ?? `${e.stage} failed`, at],
      );
      return;
    case 'PAUSED':
    case 'RESUMED':
      await client.query(`UPDATE relocate.relocation SET paused = $2, updated_at = $3 WHERE id = $1 AND status = 'running'`, [id, e.type === 'PAUSED', at]);
      return;
    case 'CANCELLED':
      await client.query(
        `UPDATE relocate.relocation SET status = 'cancelled', paused = false, reason = $2, completed_at = $3, updated_at = $3 WHERE id = $1 AND status = 'running'`,
        [id, e.reason ?? 'cancelled', at],
      );
      return;
    case 'RETRIED':
      await client.query(
        `UPDATE relocate.relocation SET status = 'running', paused = false, reason = NULL, summary = NULL, completed_at = NULL,
           completion_published = false, updated_at = $2 WHERE id = $1`,
        [id, at],
      );
      await upsertStage(client, id, e.stage, 'running', null, at);
      return;
    case 'COMPLETED':
    case 'FAILED':
      await client.query(
        `UPDATE relocate.relocation SET status = $2, completed_at = COALESCE(completed_at, $3), updated_at = $3 WHERE id = $1 AND status = 'running'`,
        [id, e.type === 'COMPLETED' ? 'success' : 'failure', at],
      );
      return;
    case 'UNKNOWN':
      return; // a type newer than this reader: nothing it knows how to apply
  }
}

async function upsertStage(client: Client, id: string, stage: string | null | undefined, state: string, reason: string | null, at: Date): Promise<void> {
  if (!stage) return;
  await client.query(
    `INSERT INTO relocate.relocation_stage AS s (relocation_id, stage, state, reason, started_at, updated_at, finished_at)
     VALUES ($1, $2, $3, $4, $5, $5, CASE WHEN $3 IN ('done', 'failed') THEN $5::timestamptz END)
     ON CONFLICT (relocation_id, stage) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason,
       started_at = COALESCE(s.started_at, EXCLUDED.started_at), updated_at = EXCLUDED.updated_at, finished_at = EXCLUDED.finished_at`,
    [id, stage, state, reason, at],
  );
}

/**
 * Applies the event at (topic, partition, offset) unless the watermark shows it applied already; both in the
 * caller's transaction. Returns whether it applied.
 */
export async function applyAt(client: Client, topic: string, partition: number, offset: string, event: RelocationEvent | undefined): Promise<boolean> {
  const { rows } = await client.query<{ next_offset: number }>(
    'SELECT next_offset FROM relocate.record_watermark WHERE topic = $1 AND partition = $2 FOR UPDATE',
    [topic, partition],
  );
  if (rows[0] && BigInt(rows[0].next_offset) > BigInt(offset)) return false;
  if (event) await applyEvent(client, event);
  await client.query(
    `INSERT INTO relocate.record_watermark (topic, partition, next_offset) VALUES ($1, $2, $3)
     ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`,
    [topic, partition, (BigInt(offset) + 1n).toString()],
  );
  return true;
}

/** Whether the record has applied every event up to and including this offset. */
export async function projectedUpTo(client: Client | { query: Client['query'] }, topic: string, partition: number, offset: string): Promise<boolean> {
  const { rows } = await client.query<{ next_offset: number }>('SELECT next_offset FROM relocate.record_watermark WHERE topic = $1 AND partition = $2', [topic, partition]);
  return rows[0] !== undefined && BigInt(rows[0].next_offset) > BigInt(offset);
}
