import type { EventstreamInsert } from '@relocate/codec';
import { type Client, ident, sql } from '@relocate/database';
import { BadInputError } from '@relocate/domain';
import { type Grouping, groupEvents } from './groups.ts';
import type { NormalizedEvent } from './normalize.ts';

/**
 * Get-or-create by a unique key, returning the id for every key: one statement that creates the missing rows and
 * reads the others. A row another transaction committed meanwhile is outside that statement's snapshot, so keys
 * still without an id are read once more.
 */
async function getOrCreate(client: Client, table: string, keyColumns: [string, string], keys: Array<[number, string | number]>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (keys.length === 0) return ids;
  const [a, b] = [ident(keyColumns[0]), ident(keyColumns[1])];
  const t = ident(table);
  const bType = typeof keys[0]?.[1] === 'number' ? sql`bigint` : sql`text`;
  const select = sql`SELECT id, ${a} AS a, ${b} AS b FROM ${t} WHERE (${a}, ${b}) IN (SELECT * FROM unnest($1::bigint[], $2::${bType}[]))`;
  const read = (rows: Array<{ id: number; a: number; b: string | number }>): void => {
    for (const r of rows) ids.set(`${r.a}:${r.b}`, r.id);
  };
  // The select sees the table as it was before the insert: existing rows from it, new ones from RETURNING.
  const { rows } = await client.query<{ id: number; a: number; b: string | number }>(
    sql`WITH created AS (
       INSERT INTO ${t} (${a}, ${b}) SELECT * FROM unnest($1::bigint[], $2::${bType}[]) ON CONFLICT (${a}, ${b}) DO NOTHING
       RETURNING id, ${a} AS a, ${b} AS b)
     SELECT * FROM created UNION ALL ${select}`.text,
    [keys.map((k) => k[0]), keys.map((k) => k[1])],
  );
  read(rows);
  const missing = keys.filter((k) => !ids.has(`${k[0]}:${k[1]}`));
  if (missing.length > 0) read((await client.query<{ id: number; a: number; b: string | number }>(sql`${select}`.text, [missing.map((k) => k[0]), missing.map((k) => k[1])])).rows);
  return ids;
}

/**
 * Saves a batch of events as Sentry's save does for the rows around them: Release and Environment per
 * organization, their project and release-environment links, the group, and the event itself (with its
 * eventstream message as an outbox row). An event saved before is not saved again, so a replay creates and
 * counts nothing twice. Returns the messages still to publish.
 */
export async function saveEvents(client: Client, relocationId: string, batch: number, events: NormalizedEvent[]): Promise<EventstreamInsert[]> {
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

  // A replayed event was saved before: it only publishes what is still unpublished and writes nothing else.
  const key = (e: { projectId: number; eventId: string }): string => `${e.projectId}:${e.eventId}`;
  const { rows: saved } = await client.query<{ project_id: number; event_id: string }>(
    `SELECT project_id, event_id FROM relocate.saved_event WHERE (project_id, event_id) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))`,
    [events.map((e) => e.projectId), events.map((e) => e.eventId)],
  );
  const seen = new Set(saved.map((r) => `${r.project_id}:${r.event_id}`));
  const fresh = events.filter((e) => !seen.has(key(e)) && (seen.add(key(e)), true));

  const uniq = <T>(items: T[]): T[] => [...new Map(items.map((i) => [JSON.stringify(i), i])).values()];
  const releases = await getOrCreate(client, 'sentry_release', ['organization_id', 'version'],
    uniq(fresh.filter((e) => e.release).map((e): [number, string] => [org(e), e.release as string])));
  const environments = await getOrCreate(client, 'sentry_environment', ['organization_id', 'name'],
    uniq(fresh.filter((e) => e.environment).map((e): [number, string] => [org(e), e.environment as string])));
  const releaseOf = (e: NormalizedEvent): number | undefined => (e.release ? releases.get(`${org(e)}:${e.release}`) : undefined);
  const environmentOf = (e: NormalizedEvent): number | undefined => (e.environment ? environments.get(`${org(e)}:${e.environment}`) : undefined);
  await getOrCreate(client, 'sentry_release_project', ['project_id', 'release_id'],
    uniq(fresh.filter((e) => e.release).map((e): [number, number] => [e.projectId, releaseOf(e) as number])));
  await getOrCreate(client, 'sentry_environmentproject', ['project_id', 'environment_id'],
    uniq(fresh.filter((e) => e.environment).map((e): [number, number] => [e.projectId, environmentOf(e) as number])));
  // Release-environment links, one row per key with the batch's time range.
  const placed = fresh.map((e) => ({ event: e, releaseId: releaseOf(e), environmentId: environmentOf(e) }));
  const linked = placed.filter((p) => p.releaseId !== undefined && p.environmentId !== undefined);
  const spans = new Map<string, { org: number; project: number; release: number; environment: number; first: number; last: number }>();
  for (const p of linked) {
    const key = `${p.event.projectId}:${p.releaseId}:${p.environmentId}`;
    const s = spans.get(key);
    if (s) Object.assign(s, { first: Math.min(s.first, p.event.timestamp), last: Math.max(s.last, p.event.timestamp) });
    else spans.set(key, { org: org(p.event), project: p.event.projectId, release: p.releaseId as number, environment: p.environmentId as number, first: p.event.timestamp, last: p.event.timestamp });
  }
  const list = [...spans.values()];
  const at = (ms: number): string => new Date(ms).toISOString();
  const byOrg = new Map<string, (typeof list)[number]>();
  for (const s of list) {
    const key = `${s.org}:${s.release}:${s.environment}`;
    const o = byOrg.get(key);
    byOrg.set(key, o ? { ...o, first: Math.min(o.first, s.first), last: Math.max(o.last, s.last) } : s);
  }
  const orgSpans = [...byOrg.values()];
  if (orgSpans.length > 0) {
    // Both links in one statement: one round trip fewer per batch.
    await client.query(
      `WITH org_links AS (
         INSERT INTO sentry_environmentrelease (organization_id, project_id, release_id, environment_id, first_seen, last_seen)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::timestamptz[], $6::timestamptz[])
         ON CONFLICT (organization_id, release_id, environment_id) DO UPDATE SET last_seen = GREATEST(sentry_environmentrelease.last_seen, EXCLUDED.last_seen))
       INSERT INTO sentry_releaseprojectenvironment (release_id, project_id, environment_id, first_seen, last_seen)
       SELECT * FROM unnest($7::bigint[], $8::bigint[], $9::bigint[], $10::timestamptz[], $11::timestamptz[])
       ON CONFLICT (project_id, release_id, environment_id) DO UPDATE SET last_seen = GREATEST(sentry_releaseprojectenvironment.last_seen, EXCLUDED.last_seen)`,
      [orgSpans.map((s) => s.org), orgSpans.map((s) => s.project), orgSpans.map((s) => s.release), orgSpans.map((s) => s.environment), orgSpans.map((s) => at(s.first)), orgSpans.map((s) => at(s.last)),
        list.map((s) => s.release), list.map((s) => s.project), list.map((s) => s.environment), list.map((s) => at(s.first)), list.map((s) => at(s.last))],
    );
  }

  const groupings = await groupEvents(client, placed);
  const messages = fresh.map((e, i): EventstreamInsert => {
    const g = groupings[i] as Grouping;
    return {
      version: 2,
      type: 'insert',
      relocationId,
      organizationId: org(e),
      projectId: e.projectId,
      eventId: e.eventId,
      groupId: g.groupId,
      primaryHash: e.primaryHash,
      isNew: g.isNew,
      isRegression: false,
      isNewGroupEnvironment: g.isNewGroupEnvironment,
      skipConsume: false,
      platform: e.platform,
      message: e.message,
      datetime: e.timestamp,
      receivedTimestamp: e.received,
      retentionDays: 90,
      data: JSON.stringify(e.data),
    };
  });
  // The messages as one JSON document: node-postgres escapes every element of a text array in JavaScript, which
  // for event-sized strings cost three times what PostgreSQL takes to parse them.
  await client.query(
    `INSERT INTO relocate.saved_event (project_id, event_id, relocation_id, group_id, message, batch)
     SELECT (m->>'projectId')::bigint, m->>'eventId', $1, (m->>'groupId')::bigint, m, $2 FROM jsonb_array_elements($3::jsonb) AS m`,
    [relocationId, batch, JSON.stringify(messages)],
  );
  // Nothing of the batch was saved before: what is still to publish is exactly what was just saved.
  if (saved.length === 0) return messages;
  const { rows } = await client.query<{ message: EventstreamInsert }>(
    `SELECT s.message FROM relocate.saved_event s
     WHERE (s.project_id, s.event_id) IN (SELECT * FROM unnest($1::bigint[], $2::text[])) AND s.batch IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM relocate.published_event_batch b WHERE b.relocation_id = s.relocation_id AND b.ordinal = s.batch)`,
    [events.map((m) => m.projectId), events.map((m) => m.eventId)],
  );
  return rows.map((r) => r.message);
}

/**
 * Marks the batch's events published, once the eventstream has acknowledged them. An event an earlier run saved
 * in another batch (the batch size changed between runs) keeps that batch's mark, or its lack: it is published
 * again at each replay until its own batch is marked, which the eventstream's consumers dedupe.
 */
export async function markPublished(client: Client | { query: Client['query'] }, relocationId: string, batch: number): Promise<void> {
  await client.query(
    'INSERT INTO relocate.published_event_batch (relocation_id, ordinal) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [relocationId, batch],
  );
}
