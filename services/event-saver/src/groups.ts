import type { Client } from '@relocate/database';
import type { NormalizedEvent } from './normalize.ts';

const levels: Record<string, number> = { fatal: 50, error: 40, warning: 30, info: 20, debug: 10 };

export interface Grouping { groupId: number; isNew: boolean; isNewGroupEnvironment: boolean }
export interface Placed { event: NormalizedEvent; releaseId: number | undefined; environmentId: number | undefined }

/** First item per key, in order, with how many items share the key and their time range. */
function firstPerKey<T>(items: T[], keyOf: (t: T) => string, at: (t: T) => number): Map<string, { first: T; count: number; min: number; max: number }> {
  const out = new Map<string, { first: T; count: number; min: number; max: number }>();
  for (const item of items) {
    const t = at(item);
    const seen = out.get(keyOf(item));
    if (!seen) out.set(keyOf(item), { first: item, count: 1, min: t, max: t });
    else Object.assign(seen, { count: seen.count + 1, min: Math.min(seen.min, t), max: Math.max(seen.max, t) });
  }
  return out;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Sentry's _save_aggregate for a batch of events not saved before, set-based: each grouping hash finds or creates
 * its group (is_new for the first event of a created group), each group's environment link is created once
 * (is_new_group_environment for the first event of it), and new groups count towards their release's new groups
 * and new issues. Relocated groups are never resolved, so no event is a regression.
 */
export async function groupEvents(client: Client, placed: Placed[]): Promise<Grouping[]> {
  if (placed.length === 0) return [];
  const hashKey = (p: Placed): string => `${p.event.projectId}:${p.event.primaryHash}`;
  const hashes = [...firstPerKey(placed, hashKey, (p) => p.event.timestamp).values()];
  const { rows: created } = await client.query<{ id: number; project_id: number; hash: string }>(
    `INSERT INTO sentry_grouphash (project_id, hash) SELECT * FROM unnest($1::bigint[], $2::text[])
     ON CONFLICT (project_id, hash) DO NOTHING RETURNING id, project_id, hash`,
    [hashes.map((h) => h.first.event.projectId), hashes.map((h) => h.first.event.primaryHash)],
  );
  const createdKeys = new Set(created.map((c) => `${c.project_id}:${c.hash}`));
  const fresh = hashes.filter((h) => createdKeys.has(hashKey(h.first)));
  const seen = hashes.filter((h) => !createdKeys.has(hashKey(h.first)));

  // A created hash gets its new group in one statement: ids drawn, groups inserted, hashes pointed at them.
  const groupRows: Array<{ project_id: number; hash: string; group_id: number }> = [];
  if (fresh.length > 0) {
    const { rows } = await client.query<{ project_id: number; hash: string; group_id: number }>(
      `WITH fresh AS (
         SELECT nextval(pg_get_serial_sequence('sentry_groupedmessage', 'id')) AS id, x.*
         FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::int[], $7::timestamptz[], $8::timestamptz[]) AS x(p, h, r, m, l, c, f, ls)),
       grouped AS (
         INSERT INTO sentry_groupedmessage (id, project_id, first_release_id, message, level, times_seen, first_seen, last_seen)
         SELECT id, p, r, m, l, c, f, ls FROM fresh)
       UPDATE sentry_grouphash gh SET group_id = fresh.id FROM fresh WHERE gh.project_id = fresh.p AND gh.hash = fresh.h
       RETURNING gh.project_id, gh.hash, gh.group_id`,
      [fresh.map((h) => h.first.event.projectId), fresh.map((h) => h.first.event.primaryHash), fresh.map((h) => h.first.releaseId ?? null), fresh.map((h) => h.first.event.message),
        fresh.map((h) => levels[h.first.event.level] ?? 40), fresh.map((h) => h.count), fresh.map((h) => iso(h.min)), fresh.map((h) => iso(h.max))],
    );
    groupRows.push(...rows);
  }
  // A hash seen before counts towards its group, and tells which group that is, in one statement.
  if (seen.length > 0) {
    const { rows } = await client.query<{ project_id: number; hash: string; group_id: number }>(
      `WITH counted AS (
         UPDATE sentry_groupedmessage g SET times_seen = g.times_seen + x.c, first_seen = LEAST(g.first_seen, x.f), last_seen = GREATEST(g.last_seen, x.l)
         FROM unnest($1::bigint[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[]) AS x(p, h, c, f, l)
         JOIN sentry_grouphash gh ON gh.project_id = x.p AND gh.hash = x.h WHERE g.id = gh.group_id)
       SELECT project_id, hash, group_id FROM sentry_grouphash WHERE (project_id, hash) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))`,
      [seen.map((h) => h.first.event.projectId), seen.map((h) => h.first.event.primaryHash), seen.map((h) => h.count), seen.map((h) => iso(h.min)), seen.map((h) => iso(h.max))],
    );
    groupRows.push(...rows);
  }
  const groupOf = new Map(groupRows.map((r) => [`${r.project_id}:${r.hash}`, r.group_id]));
  const firstOfNewGroup = new Set(fresh.map((h) => h.first));

  const withEnvironment = placed.filter((p) => p.environmentId !== undefined);
  const envKey = (p: Placed): string => `${groupOf.get(hashKey(p))}:${p.environmentId}`;
  const links = [...firstPerKey(withEnvironment, envKey, (p) => p.event.timestamp).values()];
  const { rows: linked } = links.length === 0 ? { rows: [] } : await client.query<{ group_id: number; environment_id: number }>(
    `INSERT INTO sentry_groupenvironment (group_id, environment_id, first_release_id, first_seen)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::timestamptz[]) ON CONFLICT (group_id, environment_id) DO NOTHING
     RETURNING group_id, environment_id`,
    [links.map((l) => groupOf.get(hashKey(l.first))), links.map((l) => l.first.environmentId), links.map((l) => l.first.releaseId ?? null), links.map((l) => iso(l.min))],
  );
  const newLinks = new Set(linked.map((l) => `${l.group_id}:${l.environment_id}`));
  const firstOfNewLink = new Set(links.filter((l) => newLinks.has(envKey(l.first))).map((l) => l.first));

  // New groups count once towards their first event's release, per project and per project environment.
  const newInRelease = [...firstOfNewGroup].filter((p) => p.releaseId !== undefined);
  if (newInRelease.length > 0) {
    const inEnvironment = newInRelease.filter((p) => p.environmentId !== undefined);
    await client.query(
      `WITH per_project AS (
         UPDATE sentry_release_project rp SET new_groups = rp.new_groups + x.n
         FROM (SELECT p, r, count(*)::int AS n FROM unnest($1::bigint[], $2::bigint[]) AS t(p, r) GROUP BY p, r) x WHERE rp.project_id = x.p AND rp.release_id = x.r)
       UPDATE sentry_releaseprojectenvironment rpe SET new_issues_count = rpe.new_issues_count + x.n
       FROM (SELECT p, r, e, count(*)::int AS n FROM unnest($3::bigint[], $4::bigint[], $5::bigint[]) AS t(p, r, e) GROUP BY p, r, e) x
       WHERE rpe.project_id = x.p AND rpe.release_id = x.r AND rpe.environment_id = x.e`,
      [newInRelease.map((p) => p.event.projectId), newInRelease.map((p) => p.releaseId),
        inEnvironment.map((p) => p.event.projectId), inEnvironment.map((p) => p.releaseId), inEnvironment.map((p) => p.environmentId)],
    );
  }
  return placed.map((p) => ({ groupId: groupOf.get(hashKey(p)) as number, isNew: firstOfNewGroup.has(p), isNewGroupEnvironment: firstOfNewLink.has(p) }));
}
