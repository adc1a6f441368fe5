import type { ModelGraph } from '@relocate/domain';
import type { Client } from './pool.ts';
import { ident, sql } from './sql.ts';

export interface AbortResult { deleted: Record<string, number>; overwritten: Record<string, number> }

/**
 * Removes every row a relocation inserted, in reverse dependency order, with its slug reservations, events and
 * bookkeeping, so a failed relocation leaves the database as it was. Rows it only reused (EXISTING) are left
 * alone; rows it overwrote cannot be restored and are reported. Findings stay as the record of what happened.
 */
export async function abortRelocation(client: Client, graph: ModelGraph, relocationId: string): Promise<AbortResult> {
  const { rows: kinds } = await client.query<{ model: string; kind: string; n: number }>(
    'SELECT model, kind, count(*)::int AS n FROM relocate.pk_map WHERE relocation_id = $1 GROUP BY model, kind',
    [relocationId],
  );
  const models = [...new Set(kinds.map((k) => k.model))];
  const { rows: orgs } = await client.query<{ new_pk: number }>(
    `SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.organization' AND kind = 'INSERTED'`,
    [relocationId],
  );
  const orgIds = orgs.map((o) => o.new_pk);
  const deleted: Record<string, number> = {};
  // Event-side rows hang off the relocation's organizations and projects: remove them before the projects go.
  const { rowCount: events } = await client.query('DELETE FROM relocate.saved_event WHERE relocation_id = $1', [relocationId]);
  deleted['event'] = events ?? 0;
  // A later run of this relocation saves its events afresh: no mark of this run may say they were published.
  await client.query('DELETE FROM relocate.published_event_batch WHERE relocation_id = $1', [relocationId]);
  const projects = sql`(SELECT id FROM sentry_project WHERE organization_id = ANY($1))`;
  const ofOrgs = sql`organization_id = ANY($1)`;
  for (const [table, where] of [
    ['sentry_groupenvironment', sql`group_id IN (SELECT id FROM sentry_groupedmessage WHERE project_id IN ${projects})`],
    ['sentry_grouphash', sql`project_id IN ${projects}`], ['sentry_groupedmessage', sql`project_id IN ${projects}`],
    ['sentry_releaseprojectenvironment', sql`project_id IN ${projects}`], ['sentry_environmentrelease', ofOrgs],
    ['sentry_environmentproject', sql`environment_id IN (SELECT id FROM sentry_environment WHERE organization_id = ANY($1))`],
    ['sentry_release_project', sql`release_id IN (SELECT id FROM sentry_release WHERE organization_id = ANY($1))`],
    ['sentry_environment', ofOrgs], ['sentry_release', ofOrgs],
    ['sentry_organizationslugreservation', ofOrgs]] as const) {
    await client.query(sql`DELETE FROM ${ident(table)} WHERE ${where}`.text, [orgIds]);
  }
  for (const model of graph.sortedDependencies(models).reverse()) {
    const table = graph.get(model)?.tableName;
    if (!table) continue;
    const { rowCount } = await client.query(
      sql`DELETE FROM ${ident(table)} WHERE id IN (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = $2 AND kind = 'INSERTED')`.text,
      [relocationId, model],
    );
    deleted[model] = rowCount ?? 0;
  }
  for (const table of ['relocate.org_slug', 'relocate.hidden_organization', 'relocate.import_chunk', 'relocate.pk_map']) {
    await client.query(sql`DELETE FROM ${ident(table)} WHERE relocation_id = $1`.text, [relocationId]);
  }
  await client.query('UPDATE relocate.relocation SET aborted_at = now(), updated_at = now() WHERE id = $1', [relocationId]);
  const overwritten = Object.fromEntries(kinds.filter((k) => k.kind === 'OVERWRITE').map((k) => [k.model, k.n]));
  return { deleted, overwritten };
}
