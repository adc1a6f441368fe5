import { stageNames } from '@relocate/codec';
import type { Pool } from '@relocate/database';

export type StageState = 'pending' | 'running' | 'failed' | 'done';

export interface StageView {
  stage: string;
  state: StageState;
  recordsIn: number;
  recordsOut: number;
  reason: string | null;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

export interface RelocationView {
  relocationId: string;
  status: 'running' | 'success' | 'failure' | 'cancelled';
  paused: boolean;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  stages: StageView[];
}

interface RelocationRow { id: string; status: RelocationView['status']; paused: boolean; reason: string | null; created_at: Date; updated_at: Date; completed_at: Date | null }
interface StageRow { relocation_id: string; stage: string; state: StageState; records_in: number; records_out: number; reason: string | null; started_at: Date | null; updated_at: Date; finished_at: Date | null }

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const flowOrder = (stage: string): number => {
  const i = (stageNames as readonly string[]).indexOf(stage);
  return i < 0 ? stageNames.length : i;
};

function view(r: RelocationRow, stages: StageRow[]): RelocationView {
  return {
    relocationId: r.id,
    status: r.status,
    paused: r.paused,
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    completedAt: iso(r.completed_at),
    stages: stages
      .sort((a, b) => flowOrder(a.stage) - flowOrder(b.stage))
      .map((s) => ({
        stage: s.stage, state: s.state, recordsIn: s.records_in, recordsOut: s.records_out, reason: s.reason,
        startedAt: iso(s.started_at), updatedAt: s.updated_at.toISOString(), finishedAt: iso(s.finished_at),
      })),
  };
}

/** The most recent relocations first, with their stages. */
export async function listRelocations(pool: Pool, limit = 50): Promise<RelocationView[]> {
  const { rows } = await pool.query<RelocationRow>(
    'SELECT id, status, paused, reason, created_at, updated_at, completed_at FROM relocate.relocation ORDER BY created_at DESC, id LIMIT $1',
    [limit],
  );
  if (rows.length === 0) return [];
  const { rows: stages } = await pool.query<StageRow>('SELECT * FROM relocate.relocation_stage WHERE relocation_id = ANY($1::text[])', [rows.map((r) => r.id)]);
  return rows.map((r) => view(r, stages.filter((s) => s.relocation_id === r.id)));
}

export async function relocationView(pool: Pool, id: string): Promise<RelocationView | undefined> {
  const { rows } = await pool.query<RelocationRow>(
    'SELECT id, status, paused, reason, created_at, updated_at, completed_at FROM relocate.relocation WHERE id = $1',
    [id],
  );
  const r = rows[0];
  if (!r) return undefined;
  const { rows: stages } = await pool.query<StageRow>('SELECT * FROM relocate.relocation_stage WHERE relocation_id = $1', [id]);
  return view(r, stages);
}

/** Where a relocation's first record sits on a stage's input, as the stage reported it. */
export async function firstRecordOf(pool: Pool, id: string, stage: string): Promise<{ partition: number; offset: number } | undefined> {
  const { rows } = await pool.query<{ first_partition: number | null; first_offset: number | null }>(
    'SELECT first_partition, first_offset FROM relocate.relocation_stage WHERE relocation_id = $1 AND stage = $2',
    [id, stage],
  );
  const r = rows[0];
  return r && r.first_partition !== null && r.first_offset !== null ? { partition: r.first_partition, offset: r.first_offset } : undefined;
}
