import { stageNames, type StageName } from '@relocate/codec';
import { withTransaction } from '@relocate/database';
import type { OperationsContext } from './context.ts';
import { publishRelocationEvent } from './record/publish.ts';
import { relocationView, type RelocationView } from './record/views.ts';

export class OperationRefusedError extends Error {
  override name = 'OperationRefusedError';
}

async function existing(c: OperationsContext, id: string): Promise<RelocationView> {
  const r = await relocationView(c.pool, id);
  if (!r) throw new OperationRefusedError(`no relocation ${id}`);
  return r;
}

/** Stages stop taking the relocation's records at the next one; the partitions that carry them wait. */
export async function pauseRelocation(c: OperationsContext, id: string): Promise<RelocationView> {
  const r = await existing(c, id);
  if (r.status !== 'running') throw new OperationRefusedError(`relocation ${id} is ${r.status}; only a running relocation can be paused`);
  if (!r.paused) await publishRelocationEvent(c, { relocationId: id, type: 'PAUSED', at: Date.now(), summary: '', reason: 'paused by an operator' });
  return existing(c, id);
}

export async function resumeRelocation(c: OperationsContext, id: string): Promise<RelocationView> {
  const r = await existing(c, id);
  if (r.status !== 'running' || !r.paused) throw new OperationRefusedError(`relocation ${id} is ${r.status}${r.paused ? ' and paused' : ', not paused'}; only a paused relocation can be resumed`);
  await publishRelocationEvent(c, { relocationId: id, type: 'RESUMED', at: Date.now(), summary: '' });
  return existing(c, id);
}

/** Stages skip the relocation's remaining records; what it wrote stays, its organizations stay hidden. */
export async function cancelRelocation(c: OperationsContext, id: string): Promise<RelocationView> {
  const r = await existing(c, id);
  if (r.status !== 'running') throw new OperationRefusedError(`relocation ${id} is ${r.status}; only a running relocation can be cancelled`);
  await publishRelocationEvent(c, { relocationId: id, type: 'CANCELLED', at: Date.now(), summary: '', reason: 'cancelled by an operator' });
  return existing(c, id);
}

/** Stages at which the relocation's records are parked behind a failed one, in flow order. */
export async function parkedStages(c: OperationsContext, id: string): Promise<StageName[]> {
  const { rows } = await c.pool.query<{ stage: string }>('SELECT stage FROM relocate.parked_relocation WHERE relocation_id = $1', [id]);
  return stageNames.filter((s) => rows.some((r) => r.stage === s));
}

/**
 * Opens a failed relocation again at one stage: the stage stops parking its records, the failure's findings from
 * that stage go (a new failure records them again) and the record shows the relocation running.
 */
export async function reopenAtStage(c: OperationsContext, id: string, stage: StageName): Promise<void> {
  // Running first, unparked after: a failed relocation that is parked nowhere has failed for good, and a stage that
  // asked in between (the event saver, whose events wait for the writer to reach their projects) would drop them.
  await publishRelocationEvent(c, { relocationId: id, type: 'RETRIED', at: Date.now(), summary: '', stage });
  await withTransaction(c.pool, async (client) => {
    await client.query('DELETE FROM relocate.parked_relocation WHERE relocation_id = $1 AND stage = $2', [id, stage]);
    await client.query(`DELETE FROM relocate.finding WHERE relocation_id = $1 AND stage = $2 AND severity = 'error'`, [id, stage]);
  });
}
