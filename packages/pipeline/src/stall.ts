import { stageNames, type StageName } from '@relocate/codec';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import type { RelocationView } from '@relocate/operations';
import type { Connections } from '@relocate/stage-host';
import type { StageHosting } from './hosting.ts';

/**
 * Whether a relocation has stopped moving: its fingerprint (each stage's state and counts) unchanged for stallMs.
 * Says so once per stallMs while it lasts, so a person is never left waiting in silence, and once when it moves again.
 */
export class StallWatch {
  private readonly stallMs: number;
  private readonly now: () => number;
  private last: string | undefined;
  private since: number;
  private stalled = false;

  constructor(stallMs: number, now: () => number = Date.now) {
    this.stallMs = stallMs;
    this.now = now;
    this.since = now();
  }

  observe(fingerprint: string): 'moving' | 'stalled' | 'moving again' | undefined {
    const t = this.now();
    if (fingerprint !== this.last) {
      this.last = fingerprint;
      this.since = t;
      if (!this.stalled) return 'moving';
      this.stalled = false;
      return 'moving again';
    }
    if (t - this.since < this.stallMs) return undefined;
    this.since = t;
    this.stalled = true;
    return 'stalled';
  }
}

export function fingerprintOf(view: RelocationView | undefined): string {
  if (!view) return '';
  return JSON.stringify([view.status, view.paused, view.stages.map((s) => [s.stage, s.state, s.recordsIn, s.recordsOut])]);
}

/** The stage the relocation waits at: the first one, in flow order, that has not finished it. */
export function stageWaitedOn(view: RelocationView | undefined): StageName {
  for (const stage of stageNames) {
    const s = view?.stages.find((x) => x.stage === stage);
    if (s?.state !== 'done') return stage;
  }
  return stageNames[stageNames.length - 1] as StageName;
}

/** The partition a relocation's records take on every pipeline topic: they are keyed by its id. */
export function partitionOfKey(key: string, partitions: number): number {
  const metadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 0, replicas: [0], isr: [0] }));
  return Partitioners.DefaultPartitioner()({ topic: '', partitionMetadata: metadata, message: { key, value: null } });
}

const inputTopicOf = (c: Connections, stage: StageName): string => ({
  reader: c.topics.exports, writer: c.topics.models, 'slug-resolver': c.topics.written, reservation: c.topics.slugs, 'event-saver': c.topics.reserved,
})[stage];

/** Why the relocation has not moved for a while, in words, one reason a line; never empty. */
export async function explainStall(c: Connections, view: RelocationView | undefined, relocationId: string, hosting: StageHosting, stallMs: number): Promise<string[]> {
  const seconds = Math.round(stallMs / 1000);
  if (!view) return [`relocation ${relocationId} has no record yet: the relocation record is projected by the stages; waiting for them`];
  if (view.paused) return [`relocation ${relocationId} is paused; it waits until it is resumed (\`relocate status ${relocationId}\`)`];
  const stage = stageWaitedOn(view);
  const group = hosting.lastGroups.find((g) => g.stage === stage);
  const lines: string[] = [];
  const state = hosting.stateOf(stage);
  if (state === 'crashed') lines.push(`${stage}: its consumer crashed; rebuilding it`);
  else if (state === 'halted') lines.push(`${stage}: halted by its DLQ limit; it waits for an operator`);
  else if (!group || group.members.length === 0) lines.push(`no live consumer in group ${group?.group ?? stage}; hosting it now`);
  for (const w of await lockWaits(c)) {
    const queries = w.waiting === 1 ? 'a query of relocate has' : `${w.waiting} queries of relocate have`;
    lines.push(`${stage}: ${queries} waited ${w.waitingS} s for a PostgreSQL lock held by pid ${w.blocker} (${w.blockerApp || 'no application name'}, ${w.blockerState ?? 'unknown state'})`);
  }
  const { partitions, partition } = await partitionOf(c, stage, relocationId);
  const ahead = await relocationAhead(c, stage, partition, relocationId);
  if (ahead) lines.push(`${stage}: waiting behind relocation ${ahead} on partition ${partition}`);
  if (lines.length === 0) {
    const members = group?.members ?? [];
    const where = hosting.here.includes(stage) ? 'this process hosts it' : `group ${group?.group} has ${members.length} member(s): ${countedList(members)}`;
    lines.push(`${stage}: no record of relocation ${relocationId} (partition ${partition} of ${partitions}) done in the last ${seconds} s; ${where}. A long batch, or members the broker has not dropped yet (a process that died leaves its groups a session timeout later); \`relocate lag\` shows each partition`);
  }
  return lines;
}

/** `a ×3, b`: the consumers of one process share a client id and host. */
export function countedList(items: string[]): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  return [...counts].map(([i, n]) => (n > 1 ? `${i} ×${n}` : i)).join(', ');
}

async function partitionOf(c: Connections, stage: StageName, relocationId: string): Promise<{ partitions: number; partition: number }> {
  const admin = c.kafka.admin();
  await admin.connect();
  try {
    const topic = inputTopicOf(c, stage);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics[0]?.partitions.length ?? c.config.partitions;
    return { partitions, partition: partitionOfKey(relocationId, partitions) };
  } finally {
    await admin.disconnect();
  }
}

/**
 * A running relocation created before this one, on the same partition (its reader's), that the stage has not
 * finished: the stage takes a partition's records in order, so this one waits behind it. Reads only the running
 * relocations (an index), each by its primary key.
 */
async function relocationAhead(c: Connections, stage: StageName, partition: number, relocationId: string): Promise<string | undefined> {
  const { rows } = await c.pool.query<{ id: string }>(
    `SELECT r.id FROM relocate.relocation r
     JOIN relocate.relocation_stage rd ON rd.relocation_id = r.id AND rd.stage = 'reader' AND rd.first_partition = $2
     LEFT JOIN relocate.relocation_stage s ON s.relocation_id = r.id AND s.stage = $1
     WHERE r.status = 'running' AND r.id <> $3 AND coalesce(s.state, 'pending') <> 'done'
       AND r.created_at < (SELECT created_at FROM relocate.relocation WHERE id = $3)
     ORDER BY r.created_at LIMIT 1`,
    [stage, partition, relocationId],
  );
  return rows[0]?.id;
}

interface LockWait { waiting: number; waitingS: number; blocker: number; blockerApp: string; blockerState: string | null }

/** Sessions of the pipeline in this database that wait for a lock, by the session that holds it. */
async function lockWaits(c: Connections): Promise<LockWait[]> {
  const { rows } = await c.pool.query<{ waiting: number; waiting_s: number; blocker: number; blocker_app: string; blocker_state: string | null }>(
    `SELECT count(*)::int AS waiting, max(extract(epoch FROM now() - w.query_start))::int AS waiting_s,
            b.pid AS blocker, b.application_name AS blocker_app, b.state AS blocker_state
     FROM pg_stat_activity w CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid) JOIN pg_stat_activity b ON b.pid = bp.pid
     WHERE w.datname = current_database() AND w.application_name = 'relocate' AND w.wait_event_type = 'Lock'
     GROUP BY b.pid, b.application_name, b.state ORDER BY waiting_s DESC LIMIT 3`,
  );
  return rows.map((r) => ({ waiting: r.waiting, waitingS: r.waiting_s, blocker: r.blocker, blockerApp: r.blocker_app, blockerState: r.blocker_state }));
}
