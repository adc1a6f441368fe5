import { ident, joinSql, sql } from '@relocate/database';
import { Claimed } from './lookup.ts';
import type { ModelRule } from './types.ts';

/**
 * Config models (Sentry's OverwritableConfigMixin): an existing row with the same unique key is kept (EXISTING),
 * or overwritten with overwrite_configs (OVERWRITE). A key twice in one batch maps to its first row.
 */
export function overwritableConfig(uniqueColumns: string[]): ModelRule {
  const keyOf = (values: Record<string, unknown>): string | undefined =>
    uniqueColumns.some((c) => values[c] == null) ? undefined : JSON.stringify(uniqueColumns.map((c) => String(values[c])));
  return {
    async resolveCollisions(rows, ctx) {
      const keyed = rows.filter((r) => keyOf(r.values) !== undefined);
      if (keyed.length === 0) return;
      const columns = joinSql(uniqueColumns.map((c) => sql`${ident(c)}::text`));
      const arrays = joinSql(uniqueColumns.map((_, i) => sql`$${i + 1}::text[]`));
      const params = uniqueColumns.map((c) => keyed.map((r) => String(r.values[c])));
      const { rows: found } = await ctx.client.query<{ id: number; k: string[] }>(
        sql`SELECT id, ARRAY[${columns}] AS k FROM ${ident(ctx.table)}
         WHERE (${columns}) IN (SELECT * FROM unnest(${arrays}))`.text,
        params,
      );
      const existing = new Map(found.map((f) => [JSON.stringify(f.k), f.id]));
      const claimed = new Claimed();
      for (const row of keyed) {
        const key = keyOf(row.values) as string;
        const id = existing.get(key);
        const twin = claimed.by(key);
        if (id !== undefined) row.decision = ctx.options.overwriteConfigs ? { kind: 'OVERWRITE', newPk: id } : { kind: 'EXISTING', newPk: id };
        else if (twin) row.decision = { kind: 'EXISTING', sameAs: twin };
        else claimed.claim(key, row);
      }
    },
  };
}
