import { reuseByKey } from './lookup.ts';
import type { ModelRule } from './types.ts';

/**
 * Config models (Sentry's OverwritableConfigMixin): an existing row with the same unique key is kept (EXISTING),
 * or overwritten with overwrite_configs (OVERWRITE). A key twice in one batch maps to its first row.
 */
export function overwritableConfig(uniqueColumns: string[]): ModelRule {
  const key = uniqueColumns.map((c) => [c, 'text'] as const);
  return {
    resolveCollisions: (rows, ctx) =>
      reuseByKey(rows, ctx, key, (id) => (ctx.options.overwriteConfigs ? { kind: 'OVERWRITE', newPk: id } : { kind: 'EXISTING', newPk: id })),
  };
}
