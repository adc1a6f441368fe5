import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const relocationScopes = ['Excluded', 'User', 'Organization', 'Config', 'Global'] as const;
export type RelocationScope = (typeof relocationScopes)[number];

export interface ForeignField { model: string; kind: string; nullable: boolean }

export interface ModelRelations {
  model: string;
  tableName: string;
  foreignKeys: Map<string, ForeignField>;
  /** A model with several possible scopes resolves one per instance (e.g. ApiToken). */
  scopes: RelocationScope[];
  uniques: string[][];
  relocationDependencies: string[];
  silos: string[];
}

const entry = z.object({
  model: z.string(),
  table_name: z.string(),
  foreign_keys: z.record(z.object({ kind: z.string(), model: z.string(), nullable: z.boolean() })),
  relocation_scope: z.union([z.enum(relocationScopes), z.array(z.enum(relocationScopes))]),
  uniques: z.array(z.array(z.string())),
  relocation_dependencies: z.array(z.string()),
  silos: z.array(z.string()),
});

const defaultPath = fileURLToPath(new URL('../sentry/model-dependencies.json', import.meta.url));

/** Sentry's model graph, loaded from its dependency description; behaviour is derived from this data. */
export class ModelGraph {
  private readonly models: Map<string, ModelRelations>;

  constructor(models: ModelRelations[]) {
    this.models = new Map(models.map((m) => [m.model, m]));
  }

  static load(file: string = defaultPath): ModelGraph {
    const raw = z.record(entry).parse(JSON.parse(readFileSync(file, 'utf8')));
    return new ModelGraph(
      Object.values(raw).map((e) => ({
        model: e.model,
        tableName: e.table_name,
        foreignKeys: new Map(Object.entries(e.foreign_keys)),
        scopes: Array.isArray(e.relocation_scope) ? e.relocation_scope : [e.relocation_scope],
        uniques: e.uniques,
        relocationDependencies: e.relocation_dependencies,
        silos: e.silos,
      })),
    );
  }

  get(model: string): ModelRelations | undefined {
    return this.models.get(model);
  }

  names(): string[] {
    return [...this.models.keys()];
  }

  dependenciesOf(model: string): Set<string> {
    const m = this.models.get(model);
    if (!m) return new Set();
    const deps = new Set([...[...m.foreignKeys.values()].map((f) => f.model), ...m.relocationDependencies]);
    deps.delete(model); // self-references do not order anything
    return deps;
  }

  /**
   * Sentry's sorted_dependencies: repeated passes, each placing every model whose dependencies are placed
   * (or outside the set); passes alternate direction over the remaining names. Throws on a cycle.
   */
  sortedDependencies(names: string[] = this.names()): string[] {
    const inSet = new Set(names);
    let pending = [...names].sort().reverse();
    const placed = new Set<string>();
    const order: string[] = [];
    while (pending.length > 0) {
      const skipped: string[] = [];
      let changed = false;
      while (pending.length > 0) {
        const model = pending.pop() as string;
        const ready = [...this.dependenciesOf(model)].every((d) => placed.has(d) || !inSet.has(d));
        if (ready) {
          order.push(model);
          placed.add(model);
          changed = true;
        } else {
          skipped.push(model);
        }
      }
      if (!changed) throw new DependencyCycleError(skipped.sort());
      pending = skipped.sort();
    }
    return order;
  }
}

export class DependencyCycleError extends Error {
  override name = 'DependencyCycleError';
  readonly models: string[];
  constructor(models: string[]) {
    super(`can't resolve dependencies for ${models.join(', ')}`);
    this.models = models;
  }
}

/** Django stores a foreign key `x` in column `x_id`; fields already named `*_id` are the column. */
export function columnOf(field: string): string {
  return field.endsWith('_id') ? field : `${field}_id`;
}
