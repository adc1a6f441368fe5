import type { EventBatch } from '@relocate/codec';
import { type Client, reportedRecords } from '@relocate/database';
import type { Finding } from '@relocate/domain';

/** An event as parsed from its batch, with its number in the events file. */
export interface NumberedEvent { ordinal: number; event: Record<string, unknown> }

export interface RemappedEvents {
  /** The events whose project was written, pointed at its new pk. */
  events: NumberedEvent[];
  /** Events whose project was dropped (and reported): they are dropped with it. */
  dropped: Array<{ ordinal: number; project: number }>;
  /** Projects of the export that the writer has neither written nor reported yet. */
  pending: number[];
}

/**
 * Points each event at its project's new pk. Events reach the event saver straight from the reader, beside the
 * models, so a project may not be written yet: the batch is then pending. Once the writer has been there, the
 * project is in the PrimaryKeyMap or has a finding, both written in the transaction of its batch. The reader has
 * checked that every event names a project of the export.
 */
export async function remapEventProjects(client: Client, relocationId: string, batch: EventBatch): Promise<RemappedEvents> {
  const parsed = batch.events.map((text, i) => {
    const event = JSON.parse(text) as Record<string, unknown> & { project: number };
    return { event, project: event.project, ordinal: batch.ordinal + i };
  });
  const { rows } = await client.query<{ old_pk: number; new_pk: number }>(
    `SELECT old_pk, new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.project' AND old_pk = ANY($2::bigint[])`,
    [relocationId, [...new Set(parsed.map((p) => p.project))]],
  );
  const projects = new Map(rows.map((r) => [r.old_pk, r.new_pk]));
  const unmapped = [...new Set(parsed.filter((p) => !projects.has(p.project)).map((p) => p.project))];
  const reported = await reportedRecords(client, relocationId, unmapped.map((pk) => ['sentry.project', pk] as const));
  const pending = unmapped.filter((pk) => !reported.has(`sentry.project:${pk}`));
  const events: NumberedEvent[] = [];
  const dropped: Array<{ ordinal: number; project: number }> = [];
  for (const p of parsed) {
    const newPk = projects.get(p.project);
    if (newPk !== undefined) events.push({ ordinal: p.ordinal, event: { ...p.event, project: newPk } });
    else if (reported.has(`sentry.project:${p.project}`)) dropped.push({ ordinal: p.ordinal, project: p.project });
  }
  return { events, dropped, pending };
}

/** The warning an event dropped with its project is reported with. */
export function droppedEventFindings(relocationId: string, dropped: ReadonlyArray<{ ordinal: number; project: number }>): Finding[] {
  return dropped.map((d) => ({
    relocationId, stage: 'event-saver', severity: 'warning', kind: 'DroppedWithParent', model: 'event', pk: d.ordinal, field: 'project',
    reason: `event #${d.ordinal} dropped because project pk ${d.project} was not imported`,
  }));
}
