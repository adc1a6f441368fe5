import type { EventstreamInsert } from '@relocate/codec';
import type { Client } from '@relocate/database';
import { BadInputError } from '@relocate/domain';
import type { NormalizedEvent } from './normalize.ts';

/** Get-or-create by a unique key, returning the id for every key; one round trip each way. */
async function getOrCreate(client: Client, table: string, keyColumns: [string, string], keys: Array<[number, string | number]>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (keys.length === 0) return ids;
  const [a, b] = keyColumns;
  const as = keys.map((k) => k[0]);
  const bs = keys.map((k) => k[1]);
  const bType = typeof keys[0]?.[1] === 'number' ? 'bigint' : 'text';
  await client.query(
    `INSERT INTO ${table} (${a}, ${b}) SELECT * FROM unnest($1::bigint[], $2::${bType}[]) ON CONFLICT (${a}, ${b}) DO NOTHING`,
    [as, bs],
  );
  const { rows } = await client.query<{ id: number; a: number; b: string | number }>(
    `SELECT id, ${a} AS a, ${b} AS b FROM ${table} WHERE (${a}, ${b}) IN (SELECT * FROM unnest($1::bigint[], $2::${bType}[]))`,
    [as, bs],
  );
  for (const r of rows) ids.set(`${r.a}:${r.b}`, r.id);
  return ids;
}

/**
 * Saves a batch of events as Sentry's save does for the rows around them: Release and Environment per
 * organization, their project links, and the event itself (with its eventstream message as an outbox row).
 * Every write is a get-or-create, so a replay creates nothing twice. Returns the messages still to publish.
 */
export async function saveEvents(client: Client, relocationId: string, events: NormalizedEvent[]): Promise<EventstreamInsert[]> {
  if (events.length === 0) return [];
  const projectIds = [...new Set(events.map((e) => e.projectId))];
  const { rows: projects } = await client.query<{ id: number; organization_id: number }>(
    'SELECT id, organization_id FROM sentry_project WHERE id = ANY($1::bigint[])',
    [projectIds],
  );
  const orgOf = new Map(projects.map((p) => [p.id, p.organization_id]));
  for (const e of events) {
    if (!orgOf.has(e.projectId)) throw new BadInputError({ kind: 'InvalidEvent', model: 'event', pk: null, field: 'project', reason: `event ${e.eventId} refers to project ${e.projectId}, which does not exist` });
  }
  const org = (e: NormalizedEvent): number => orgOf.get(e.projectId) as number;

  const uniq = <T>(items: T[]): T[] => [...new Map(items.map((i) => [JSON.stringify(i), i])).values()];
  const releases = await getOrCreate(client, 'sentry_release', ['organization_id', 'version'],
    uniq(events.filter((e) => e.release).map((e): [number, string] => [org(e), e.release as string])));
  const environments = await getOrCreate(client, 'sentry_environment', ['organization_id', 'name'],
    uniq(events.filter((e) => e.environment).map((e): [number, string] => [org(e), e.environment as string])));
  await getOrCreate(client, 'sentry_release_project', ['project_id', 'release_id'],
    uniq(events.filter((e) => e.release).map((e): [number, number] => [e.projectId, releases.get(`${org(e)}:${e.release}`) as number])));
  await getOrCreate(client, 'sentry_environmentproject', ['project_id', 'environment_id'],
    uniq(events.filter((e) => e.environment).map((e): [number, number] => [e.projectId, environments.get(`${org(e)}:${e.environment}`) as number])));

  const messages = events.map((e): EventstreamInsert => ({
    version: 2,
    type: 'insert',
    relocationId,
    organizationId: org(e),
    projectId: e.projectId,
    eventId: e.eventId,
    groupId: null,
    primaryHash: e.primaryHash,
    isNew: false,
    isRegression: false,
    isNewGroupEnvironment: false,
    skipConsume: false,
    platform: e.platform,
    message: e.message,
    datetime: e.timestamp,
    receivedTimestamp: e.received,
    retentionDays: 90,
    data: JSON.stringify(e.data),
  }));
  await client.query(
    `INSERT INTO relocate.saved_event (project_id, event_id, relocation_id, message)
     SELECT p, e, $1, m FROM unnest($2::bigint[], $3::text[], $4::jsonb[]) AS t(p, e, m)
     ON CONFLICT (project_id, event_id) DO NOTHING`,
    [relocationId, messages.map((m) => m.projectId), messages.map((m) => m.eventId), messages.map((m) => JSON.stringify(m))],
  );
  const { rows } = await client.query<{ message: EventstreamInsert }>(
    `SELECT message FROM relocate.saved_event
     WHERE NOT published AND (project_id, event_id) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))`,
    [messages.map((m) => m.projectId), messages.map((m) => m.eventId)],
  );
  return rows.map((r) => r.message);
}

export async function markPublished(client: Client | { query: Client['query'] }, messages: EventstreamInsert[]): Promise<void> {
  if (messages.length === 0) return;
  await client.query(
    `UPDATE relocate.saved_event SET published = true WHERE (project_id, event_id) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))`,
    [messages.map((m) => m.projectId), messages.map((m) => m.eventId)],
  );
}
