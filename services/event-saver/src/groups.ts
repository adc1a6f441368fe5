import type { Client } from '@relocate/database';
import type { NormalizedEvent } from './normalize.ts';

const levels: Record<string, number> = { fatal: 50, error: 40, warning: 30, info: 20, debug: 10 };

export interface Grouping { groupId: number; isNew: boolean; isNewGroupEnvironment: boolean }

/**
 * Sentry's _save_aggregate, reduced to what a relocation needs: the group hash finds or creates the group
 * (is_new when created), the group's environment link is created once (is_new_group_environment). Relocated
 * groups are never resolved, so no event is a regression. Called once per event that was not saved before.
 */
export async function groupEvent(client: Client, e: NormalizedEvent, releaseId: number | undefined, environmentId: number | undefined): Promise<Grouping> {
  const at = new Date(e.timestamp).toISOString();
  const { rows: created } = await client.query<{ id: number }>(
    'INSERT INTO sentry_grouphash (project_id, hash) VALUES ($1, $2) ON CONFLICT (project_id, hash) DO NOTHING RETURNING id',
    [e.projectId, e.primaryHash],
  );
  let groupId: number;
  const isNew = created.length > 0;
  if (isNew) {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO sentry_groupedmessage (project_id, first_release_id, message, level, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
      [e.projectId, releaseId ?? null, e.message, levels[e.level] ?? 40, at],
    );
    groupId = rows[0]?.id as number;
    await client.query('UPDATE sentry_grouphash SET group_id = $1 WHERE id = $2', [groupId, created[0]?.id]);
  } else {
    const { rows } = await client.query<{ group_id: number }>(
      `UPDATE sentry_groupedmessage g SET times_seen = times_seen + 1, last_seen = GREATEST(last_seen, $3), first_seen = LEAST(first_seen, $3)
       FROM sentry_grouphash h WHERE h.project_id = $1 AND h.hash = $2 AND g.id = h.group_id RETURNING g.id AS group_id`,
      [e.projectId, e.primaryHash, at],
    );
    groupId = rows[0]?.group_id as number;
  }
  let isNewGroupEnvironment = false;
  if (environmentId !== undefined) {
    const { rowCount } = await client.query(
      `INSERT INTO sentry_groupenvironment (group_id, environment_id, first_release_id, first_seen) VALUES ($1, $2, $3, $4)
       ON CONFLICT (group_id, environment_id) DO NOTHING`,
      [groupId, environmentId, releaseId ?? null, at],
    );
    isNewGroupEnvironment = (rowCount ?? 0) > 0;
  }
  if (isNew && releaseId !== undefined) {
    await client.query('UPDATE sentry_release_project SET new_groups = new_groups + 1 WHERE project_id = $1 AND release_id = $2', [e.projectId, releaseId]);
    if (environmentId !== undefined) {
      await client.query(
        'UPDATE sentry_releaseprojectenvironment SET new_issues_count = new_issues_count + 1 WHERE project_id = $1 AND release_id = $2 AND environment_id = $3',
        [e.projectId, releaseId, environmentId],
      );
    }
  }
  return { groupId, isNew, isNewGroupEnvironment };
}
