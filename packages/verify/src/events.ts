import type { Client } from '@relocate/database';
import type { Mismatches } from './mismatch.ts';

export interface EventLine { ordinal: number; value: unknown }

/**
 * Checks a batch of the events file: each event is saved once, by this relocation, under its project's new pk,
 * and its eventstream message was published (the outbox marks a batch only after Kafka acknowledged it), or a
 * finding names it. Returns how many were saved.
 */
export async function checkEvents(client: Client, relocationId: string, lines: EventLine[], out: Mismatches): Promise<number> {
  const events = lines.map((l) => {
    const v = (typeof l.value === 'object' && l.value !== null ? l.value : {}) as Record<string, unknown>;
    // As the event saver reads them: a UUID in any notation, the export's project pk.
    const eventId = typeof v.event_id === 'string' ? v.event_id.replaceAll('-', '').toLowerCase() : '';
    return { ordinal: l.ordinal, eventId, project: typeof v.project === 'number' ? v.project : null };
  });
  const { rows: named } = await client.query<{ pk: number }>(
    `SELECT pk FROM relocate.finding WHERE relocation_id = $1 AND model = 'event' AND pk = ANY($2::bigint[])`,
    [relocationId, events.map((e) => e.ordinal)],
  );
  const accounted = new Set(named.map((n) => n.pk));
  const { rows: projects } = await client.query<{ old_pk: number; new_pk: number }>(
    `SELECT old_pk, new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.project' AND old_pk = ANY($2::bigint[])`,
    [relocationId, [...new Set(events.map((e) => e.project).filter((p): p is number => p !== null))]],
  );
  const projectOf = new Map(projects.map((p) => [p.old_pk, p.new_pk]));
  const keyed = events.map((e) => ({ ...e, projectId: e.project === null ? undefined : projectOf.get(e.project) }));
  const { rows: saved } = await client.query<{ project_id: number; event_id: string; relocation_id: string; published: boolean }>(
    `SELECT s.project_id, s.event_id, s.relocation_id,
       -- No batch: published before batches were marked; else its batch's mark says so.
       s.batch IS NULL OR EXISTS (SELECT 1 FROM relocate.published_event_batch b WHERE b.relocation_id = s.relocation_id AND b.ordinal = s.batch) AS published
     FROM relocate.saved_event s WHERE (s.project_id, s.event_id) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))`,
    [keyed.map((e) => e.projectId ?? -1), keyed.map((e) => e.eventId)],
  );
  const savedBy = new Map(saved.map((s) => [`${s.project_id}:${s.event_id}`, s]));
  let count = 0;
  for (const e of keyed) {
    const s = e.projectId === undefined ? undefined : savedBy.get(`${e.projectId}:${e.eventId}`);
    if (!s) {
      if (!accounted.has(e.ordinal)) {
        out.add({ model: 'event', pk: e.ordinal, field: null, expected: `event ${e.eventId} saved`, actual: null, reason: `event #${e.ordinal} is neither saved nor named by a finding` });
      }
      continue;
    }
    count++;
    if (s.relocation_id !== relocationId) {
      out.add({ model: 'event', pk: e.ordinal, field: 'relocation', expected: relocationId, actual: s.relocation_id, reason: `event ${e.eventId} was saved by another relocation` });
    } else if (!s.published) {
      out.add({ model: 'event', pk: e.ordinal, field: 'eventstream', expected: 'published', actual: 'not published', reason: `event ${e.eventId} is saved but not on the eventstream` });
    }
  }
  return count;
}
