import type { Pool } from '@relocate/database';
import { columnOf, type ModelGraph } from '@relocate/domain';
import type { ExportEvent, ExportRecord } from './export-stream.ts';

/** JSON columns of the public tables: their values go to PostgreSQL as JSON text. */
export async function jsonColumns(pool: Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('json', 'jsonb')`,
  );
  return new Set(rows.map((r) => `${r.t}.${r.c}`));
}

/** New pks by model and export pk: the yardsticks' own in-memory PrimaryKeyMap. */
export class PkMap {
  private readonly maps = new Map<string, Map<number, number>>();

  set(model: string, oldPk: number, newPk: number): void {
    (this.maps.get(model) ?? this.maps.set(model, new Map()).get(model))?.set(oldPk, newPk);
  }

  get(model: string, oldPk: number): number | undefined {
    return this.maps.get(model)?.get(oldPk);
  }
}

export interface MappedRow { table: string; columns: string[]; values: unknown[] }

/**
 * An export record as the columns of its table, foreign keys rewritten through the map. Fields map to columns
 * as relocate's writer maps them (`x` -> `x_id` for foreign keys); a yardstick fails loudly on what it cannot map.
 */
export function mapRecord(graph: ModelGraph, json: Set<string>, pks: PkMap, r: ExportRecord): MappedRow {
  const relations = graph.get(r.model);
  if (!relations) throw new Error(`${r.model} pk ${r.pk}: not a Sentry model`);
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const [field, value] of Object.entries(r.fields)) {
    const fk = relations.foreignKeys.get(field);
    if (fk) {
      const mapped = value === null ? null : pks.get(fk.model, value as number);
      if (mapped === undefined) throw new Error(`${r.model} pk ${r.pk}: ${field} refers to ${fk.model} pk ${String(value)}, which was not imported before it`);
      columns.push(columnOf(field));
      values.push(mapped);
    } else {
      columns.push(field);
      values.push(json.has(`${relations.tableName}.${field}`) && value !== null ? JSON.stringify(value) : value);
    }
  }
  return { table: relations.tableName, columns, values };
}

// Unique keys the schema compares case-insensitively (a unique index on lower(column)), as Sentry's CIEmailField.
const caseInsensitive = new Set(['sentry_email.email']);

/**
 * The collision check for a row: a WHERE clause over the model's first unique key with no null in this row, written
 * so that the key's unique index serves it.
 */
export function collisionKey(graph: ModelGraph, row: MappedRow, model: string): { where: string; values: unknown[] } | undefined {
  const relations = graph.get(model);
  for (const unique of relations?.uniques ?? []) {
    const columns = unique.map((f) => (relations?.foreignKeys.has(f) ? columnOf(f) : f));
    const values = columns.map((c) => row.values[row.columns.indexOf(c)]);
    if (values.some((v) => v === null || v === undefined)) continue;
    const where = columns.map((c, i) => (caseInsensitive.has(`${row.table}.${c}`) ? `lower(${c}) = lower($${i + 1})` : `${c} = $${i + 1}`)).join(' AND ');
    return { where, values };
  }
  return undefined;
}

/** What the saved-event row holds for an event: its payload with the new project and organization. */
export function eventMessage(e: ExportEvent, projectId: number, organizationId: number, relocationId: string): string {
  return JSON.stringify({ version: 2, type: 'insert', relocationId, organizationId, projectId, eventId: e.event_id, data: { ...e, project: projectId } });
}
