import type { Pool } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';

/**
 * Per table of Sentry's (the public schema), the rows no successful relocation accounts for: not a row it
 * inserted (its PrimaryKeyMap), and not a row of one of its organizations, projects, users or groups (what the event
 * saver creates: groups, releases, environments and their links). Compared before and after, a difference is a row a failed relocation
 * left behind, whatever table it is in.
 */
export async function unaccountedRows(pool: Pool, successful: string[]): Promise<Record<string, number>> {
  const graph = ModelGraph.load();
  const modelsOf = new Map<string, string[]>();
  for (const name of graph.names()) {
    const table = graph.get(name)?.tableName;
    if (table) modelsOf.set(table, [...(modelsOf.get(table) ?? []), name]);
  }
  const { rows: columns } = await pool.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.column_name IN ('id', 'project_id', 'organization_id', 'group_id', 'user_id')`,
  );
  const { rows: tables } = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`);
  const out: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    const has = (column: string): boolean => columns.some((c) => c.table_name === table && c.column_name === column);
    const params: unknown[] = [];
    const param = (v: unknown): string => `$${params.push(v)}`;
    const mapped = (models: string[]): string =>
      `SELECT new_pk FROM relocate.pk_map WHERE relocation_id = ANY(${param(successful)}) AND kind <> 'EXISTING' AND model = ANY(${param(models)})`;
    const accounted: string[] = [];
    const own = modelsOf.get(table);
    if (has('id') && own) accounted.push(`id IN (${mapped(own)})`);
    if (has('project_id')) accounted.push(`project_id IN (${mapped(['sentry.project'])})`);
    if (has('organization_id')) accounted.push(`organization_id IN (${mapped(['sentry.organization'])})`);
    if (has('user_id')) accounted.push(`user_id IN (${mapped(['sentry.user'])})`);
    if (has('group_id')) accounted.push(`group_id IN (SELECT id FROM sentry_groupedmessage WHERE project_id IN (${mapped(['sentry.project'])}))`);
    const where = accounted.length > 0 ? `WHERE NOT (${accounted.map((a) => `COALESCE(${a}, false)`).join(' OR ')})` : '';
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} ${where}`, params);
    out[table] = rows[0]?.n ?? 0;
  }
  return out;
}
