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
      const columns = uniqueColumns.map((c) => `"${c}"::text`).join(', ');
      const params = uniqueColumns.map((c) => keyed.map((r) => String(r.values[c])));
      const { rows: found } = await ctx.client.query<{ id: number; k: string[] }>(
        `SELECT id, ARRAY[${columns}] AS k FROM ${ctx.table}
         WHERE (${columns}) IN (SELECT * FROM unnest(${uniqueColumns.map((_, i) => `$${i + 1}::text[]`).join(', ')}))`,
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
