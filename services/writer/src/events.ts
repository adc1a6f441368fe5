import type { EventBatch } from '@relocate/codec';
import { type Client, reportedRecords } from '@relocate/database';
import { BadInputError, type Finding } from '@relocate/domain';

/** Points each event at its project's new pk. An event whose project was dropped (and reported) is dropped with it. */
export async function remapEventProjects(client: Client, relocationId: string, batch: EventBatch): Promise<{ batch: EventBatch; dropped: Array<{ ordinal: number; project: number }> }> {
  const parsed = batch.events.map((text, i) => {
    const event = JSON.parse(text) as Record<string, unknown>;
    const project = event.project;
    if (typeof project !== 'number' || !Number.isSafeInteger(project)) {
      throw new BadInputError({ kind: 'InvalidEvent', model: 'event', pk: null, field: 'project', reason: `event #${batch.ordinal + i} has no integer "project" (the export's project pk)` });
    }
    return { event, project, ordinal: batch.ordinal + i };
  });
  const { rows } = await client.query<{ old_pk: number; new_pk: number }>(
    `SELECT old_pk, new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.project' AND old_pk = ANY($2::bigint[])`,
    [relocationId, [...new Set(parsed.map((p) => p.project))]],
  );
  const projects = new Map(rows.map((r) => [r.old_pk, r.new_pk]));
  // Projects the map lacks: dropped with a finding (their events follow them), or not in the export at all.
  const unmapped = [...new Set(parsed.filter((p) => !projects.has(p.project)).map((p) => p.project))];
  const reported = await reportedRecords(client, relocationId, unmapped.map((pk) => ['sentry.project', pk] as const));
  const events: string[] = [];
  const dropped: Array<{ ordinal: number; project: number }> = [];
  for (const p of parsed) {
    const newPk = projects.get(p.project);
    if (newPk !== undefined) {
      events.push(JSON.stringify({ ...p.event, project: newPk }));
      continue;
    }
    if (!reported.has(`sentry.project:${p.project}`)) {
      throw new BadInputError({ kind: 'InvalidEvent', model: 'event', pk: null, field: 'project', reason: `event #${p.ordinal} refers to project pk ${p.project}, which is not in the export` });
    }
    dropped.push({ ordinal: p.ordinal, project: p.project });
  }
  return { batch: { ordinal: batch.ordinal, projectsRemapped: true, events }, dropped };
}

/** The warning an event dropped with its project is reported with. */
export function droppedEventFindings(relocationId: string, dropped: ReadonlyArray<{ ordinal: number; project: number }>): Finding[] {
  return dropped.map((d) => ({
    relocationId, stage: 'writer', severity: 'warning', kind: 'DroppedWithParent', model: 'event', pk: d.ordinal, field: 'project',
    reason: `event #${d.ordinal} dropped because project pk ${d.project} was not imported`,
  }));
}
