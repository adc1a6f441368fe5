import { createHash } from 'node:crypto';
import type { Pool } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { linesDigest, stateColumns } from './state.ts';

type Row = Record<string, unknown>;
/** Maps a new pk of a model to its label; an id no label knows stays visible as unmapped. */
type Ref = (model: string, id: unknown) => unknown;

const graph = ModelGraph.load();
const modelOfTable = new Map(graph.names().map((m) => [graph.get(m)?.tableName ?? '', m]));

/** A model's foreign-key columns: Django names a `user` field's column `user_id`; a field already named `…_id` keeps it. */
function foreignColumns(model: string): Array<[column: string, target: string]> {
  return [...(graph.get(model)?.foreignKeys ?? [])].map(([field, f]) => [field.endsWith('_id') ? field : `${field}_id`, f.model]);
}

const mapValues = (model: string, ref: Ref) => (v: unknown): unknown =>
  Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).map(([old, id]) => [old, ref(model, id)]));

/**
 * Bookkeeping columns that hold new pks: how each is made id-free. The import chunk's maps are the PrimaryKeyMap
 * of its batch; the saved event carries the ids of its project, organization and group.
 */
const bookkeeping: Record<string, Record<string, (v: unknown, row: Row, ref: Ref) => unknown>> = {
  'relocate.pk_map': { new_pk: () => undefined },
  'relocate.import_chunk': {
    min_inserted_pk: () => undefined,
    max_inserted_pk: () => undefined,
    inserted_map: (v, row, ref) => mapValues(String(row.model), ref)(v),
    existing_map: (v, row, ref) => mapValues(String(row.model), ref)(v),
    overwrite_map: (v, row, ref) => mapValues(String(row.model), ref)(v),
  },
  'relocate.saved_event': {
    project_id: (v, _row, ref) => ref('sentry.project', v),
    group_id: (v, _row, ref) => ref('sentry.group', v),
    message: (v, _row, ref) => {
      const m = v as Row;
      // The state's select already parsed the event payload (and dropped its time of receipt).
      const data = m.data as Row;
      return {
        ...m,
        projectId: ref('sentry.project', m.projectId),
        organizationId: ref('sentry.organization', m.organizationId),
        groupId: ref('sentry.group', m.groupId),
        data: { ...data, project: ref('sentry.project', data.project) },
      };
    },
  },
  'relocate.org_slug': { organization_id: (v, _row, ref) => ref('sentry.organization', v) },
  'relocate.hidden_organization': { organization_id: (v, _row, ref) => ref('sentry.organization', v) },
};

/**
 * The database's state with ids taken out, as sorted lines per table, so two runs compare equal however their
 * sequences advanced (a killed transaction still draws ids). A row the relocation inserted is named by its
 * relocation and export pk, through the PrimaryKeyMap; a row only the pipeline creates (groups, releases,
 * environments, slug reservations) by a hash of its content with its own foreign keys already named. Foreign keys
 * follow Sentry's model graph. Everything else is kept as is.
 */
export async function canonicalState(pool: Pool): Promise<Record<string, string[]>> {
  const rowsOf = new Map<string, Row[]>();
  for (const [table, cols] of await stateColumns(pool)) {
    const { rows } = await pool.query<Row>(`SELECT ${cols.join(', ')} FROM ${table}`);
    if (rows.length > 0) rowsOf.set(table, rows);
  }
  const labels = new Map<string, Map<string, string>>();
  const labelsOf = (model: string): Map<string, string> => labels.get(model) ?? labels.set(model, new Map()).get(model) as Map<string, string>;
  for (const r of rowsOf.get('relocate.pk_map') ?? []) {
    const label = `${String(r.relocation_id)}/${String(r.old_pk)}`;
    const known = labelsOf(String(r.model)).get(String(r.new_pk));
    // Two relocations may reuse one existing row: the smallest name stands for it either way.
    if (known === undefined || label < known) labelsOf(String(r.model)).set(String(r.new_pk), label);
  }
  const ref: Ref = (model, id) => (id === null || id === undefined ? id : labels.get(model)?.get(String(id)) ?? `unmapped ${model} ${String(id)}`);

  const out: Record<string, string[]> = {};
  const sentryTables = [...rowsOf.keys()].filter((t) => t.startsWith('public.'));
  const models = sentryTables.map((t) => {
    const model = modelOfTable.get(t.slice('public.'.length));
    if (!model) throw new Error(`canonical state: ${t} has rows but no model in Sentry's model graph names it`);
    return model;
  });
  for (const model of graph.sortedDependencies(models)) {
    const table = `public.${graph.get(model)?.tableName ?? ''}`;
    const fks = foreignColumns(model);
    out[table] = (rowsOf.get(table) ?? []).map((row) => {
      const named: Row = { ...row };
      for (const [column, target] of fks) if (column in named) named[column] = ref(target, named[column]);
      const { id, ...content } = named;
      const text = JSON.stringify(content);
      const label = labels.get(model)?.get(String(id)) ?? `#${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
      labelsOf(model).set(String(id), label);
      return JSON.stringify({ id: label, ...content });
    }).sort();
  }
  for (const [table, rows] of rowsOf) {
    if (table.startsWith('public.')) continue;
    const rules = bookkeeping[table] ?? {};
    out[table] = rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).map(([c, v]) => [c, rules[c] ? rules[c](v, row, ref) : v])))).sort();
  }
  return out;
}

/** Per table, a digest of its canonical lines. */
export function canonicalDigest(state: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).sort(([a], [b]) => a.localeCompare(b)).map(([t, lines]) => [t, linesDigest(lines)]));
}
