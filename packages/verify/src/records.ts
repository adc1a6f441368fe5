import type { ImportKind, ImportScope } from '@relocate/codec';
import { type Client, ident, joinSql, sql } from '@relocate/database';
import { columnOf, type ModelGraph, type ModelRelations, PrimaryKeyMap } from '@relocate/domain';
import { deletedFields, TableColumns } from '@relocate/model-writer';
import type { ExportRecord } from '@relocate/reader';
import { allowedDifferences, type CollisionSource, type FieldCheck, regenerable } from './allowed-differences.ts';
import type { Mismatches } from './mismatch.ts';
import { sameValue } from './values.ts';

/** The catch-all column of generated tables, where fields with no column of their own are kept. */
const catchAll = 'relocate_fields';

export interface RelocationFacts { relocationId: string; scope: ImportScope; completed: boolean }

type Counts = Map<string, Record<ImportKind, number>>;

/**
 * Checks one batch of an export's records of one model against the database, through the relocation's
 * PrimaryKeyMap: each record has its row or a finding, each field of a written row holds the export's value
 * or an allowed difference, and each foreign key of the row resolves. A fixed number of queries per batch,
 * each by key, so the cost never grows with the size of the target's tables.
 */
export class RecordChecker {
  private readonly columns = new TableColumns();
  readonly counts: Counts = new Map();
  private readonly client: Client;
  private readonly graph: ModelGraph;
  private readonly facts: RelocationFacts;
  private readonly out: Mismatches;

  constructor(client: Client, graph: ModelGraph, facts: RelocationFacts, out: Mismatches) {
    this.client = client;
    this.graph = graph;
    this.facts = facts;
    this.out = out;
  }

  async check(model: string, records: ExportRecord[]): Promise<void> {
    const id = this.facts.relocationId;
    const pks = records.map((r) => r.pk);
    const named = await this.findings(model, pks);
    const own = await this.mapEntries([[model, pks]]);
    const relations = this.graph.get(model);
    const written: Array<{ record: ExportRecord; newPk: number; kind: ImportKind }> = [];
    for (const record of records) {
      const entry = own.get(model, record.pk);
      if (!entry) {
        if (!named.has(String(record.pk))) {
          this.out.add({ model, pk: record.pk, field: null, expected: 'a row, or a finding naming the record', actual: null, reason: `neither a row in relocation ${id}'s PrimaryKeyMap nor a finding accounts for the record` });
        }
        continue;
      }
      const counts = this.counts.get(model) ?? this.counts.set(model, { INSERTED: 0, EXISTING: 0, OVERWRITE: 0 }).get(model) as Record<ImportKind, number>;
      counts[entry.kind]++;
      written.push({ record, newPk: entry.newPk, kind: entry.kind });
    }
    if (written.length === 0) return;
    if (!relations) {
      for (const w of written) this.out.add({ model, pk: w.record.pk, field: null, expected: null, actual: w.newPk, reason: `${model} is not a model of Sentry's graph, yet the PrimaryKeyMap maps it` });
      return;
    }
    const columns = await this.columns.of(this.client, relations.tableName);
    const rows = columns ? await this.rows(relations.tableName, written.map((w) => w.newPk)) : new Map<number, Record<string, unknown>>();
    const compared = written.filter((w) => w.kind !== 'EXISTING');
    const targets = await this.mapEntries(this.foreignKeyTargets(relations, compared.map((w) => w.record)));
    const organizations = model === 'sentry.organization' ? await this.organizations(written.map((w) => w.newPk)) : new Map<number, NonNullable<FieldCheck['organization']>>();
    const collided = await this.collisions(relations.tableName, model, compared);
    for (const w of written) {
      const row = rows.get(w.newPk);
      if (!row) {
        this.out.add({ model, pk: w.record.pk, field: 'id', expected: w.newPk, actual: null, reason: `the PrimaryKeyMap maps it to ${relations.tableName} id ${w.newPk}, which holds no row` });
        continue;
      }
      // An EXISTING record keeps the target's row (ExistingRowKept): only the row's existence is checked.
      if (w.kind === 'EXISTING') continue;
      this.compareFields(relations, columns as Map<string, { type: string }>, w.record, row, named, targets, organizations.get(w.newPk), collided);
    }
    await this.checkReferences(relations, compared.map((w) => ({ pk: w.record.pk, row: rows.get(w.newPk) })));
  }

  private compareFields(
    relations: ModelRelations, columns: Map<string, { type: string }>, record: ExportRecord, row: Record<string, unknown>,
    named: Map<string, Set<string>>, targets: PrimaryKeyMap, organization: FieldCheck['organization'], collided: (pk: number, field: string) => boolean,
  ): void {
    const model = relations.model;
    const deleted = deletedFields.get(model);
    for (const [field, expected] of Object.entries(record.fields)) {
      if (field === 'id') continue;
      const fk = relations.foreignKeys.get(field);
      const column = fk ? columnOf(field) : field;
      let columnType: string | null | undefined;
      let actual: unknown;
      if (deleted?.has(field)) columnType = undefined;
      else if (columns.has(column)) {
        columnType = columns.get(column)?.type;
        actual = row[column];
      } else if (columns.has(catchAll)) {
        columnType = null;
        actual = (row[catchAll] as Record<string, unknown> | null)?.[field];
      }
      const check: FieldCheck = {
        model, field, expected, actual, columnType, record: record.fields, scope: this.facts.scope, completed: this.facts.completed,
        namedByFinding: named.get(String(record.pk))?.has(field) ?? false,
        ...(fk && typeof expected === 'number' ? { foreignKey: { model: fk.model, mapped: targets.getPk(fk.model, expected) } } : {}),
        ...(organization ? { organization } : {}),
        ...(regenerable[model]?.[field] ? { collided: collided(record.pk, field) } : {}),
      };
      const verdict = judge(check);
      if (verdict) this.out.add({ model, pk: record.pk, field, expected: verdict.expected, actual: actual ?? null, reason: verdict.reason });
    }
  }

  /** Every foreign key the rows hold names a row that exists in its target's table. */
  private async checkReferences(relations: ModelRelations, rows: Array<{ pk: number; row: Record<string, unknown> | undefined }>): Promise<void> {
    const byTarget = new Map<string, Array<{ pk: number; column: string; id: number }>>();
    for (const { pk, row } of rows) {
      if (!row) continue;
      for (const [field, fk] of relations.foreignKeys) {
        const id = row[columnOf(field)];
        if (typeof id !== 'number') continue;
        (byTarget.get(fk.model) ?? byTarget.set(fk.model, []).get(fk.model))?.push({ pk, column: columnOf(field), id });
      }
    }
    for (const [target, refs] of byTarget) {
      const table = this.graph.get(target)?.tableName;
      const columns = table ? await this.columns.of(this.client, table) : null;
      if (!table || !columns) continue; // a target Sentry keeps in no table of this database (another silo's, say)
      const found = await this.client.query<{ id: number }>(sql`SELECT id FROM ${ident(table)} WHERE id = ANY($1::bigint[])`.text, [[...new Set(refs.map((r) => r.id))]]);
      const present = new Set(found.rows.map((r) => r.id));
      for (const r of refs) {
        if (!present.has(r.id)) this.out.add({ model: relations.model, pk: r.pk, field: r.column, expected: `a row of ${table}`, actual: r.id, reason: `refers to ${table} id ${r.id}, which does not exist` });
      }
    }
  }

  /**
   * For the fields the import mints again on a collision: whether the export's value was empty or another row of
   * the table holds it, so a new value is what the rule demands. One lookup by key per colliding column.
   */
  private async collisions(table: string, model: string, written: Array<{ record: ExportRecord; newPk: number }>): Promise<(pk: number, field: string) => boolean> {
    const fields = regenerable[model];
    if (!fields || written.length === 0) return () => false;
    const valueOf = (source: CollisionSource, record: ExportRecord): unknown => (source.value ? source.value(record.fields) : record.fields[source.column]);
    const sources = new Map<string, CollisionSource>();
    for (const f of Object.values(fields)) for (const source of f.collides) sources.set(source.column, source);
    const holders = new Map<string, Map<string, number[]>>();
    for (const [column, source] of sources) {
      const values = [...new Set(written.map((w) => valueOf(source, w.record)).filter((v) => v != null && v !== '').map(String))];
      if (values.length === 0) continue;
      const { rows } = await this.client.query<{ id: number; v: string }>(sql`SELECT id, ${ident(column)} AS v FROM ${ident(table)} WHERE ${ident(column)} = ANY($1::text[])`.text, [values]);
      const byValue = new Map<string, number[]>();
      for (const r of rows) (byValue.get(r.v) ?? byValue.set(r.v, []).get(r.v))?.push(r.id);
      holders.set(column, byValue);
    }
    const byPk = new Map(written.map((w) => [w.record.pk, w]));
    return (pk, field) => {
      const w = byPk.get(pk);
      return w !== undefined && (fields[field]?.collides ?? []).some((source) => {
        const v = valueOf(source, w.record);
        return v == null || v === '' || (holders.get(source.column)?.get(String(v)) ?? []).some((id) => id !== w.newPk);
      });
    };
  }

  private foreignKeyTargets(relations: ModelRelations, records: ExportRecord[]): Array<[string, number[]]> {
    const wanted = new Map<string, Set<number>>();
    for (const r of records) {
      for (const [field, fk] of relations.foreignKeys) {
        const v = r.fields[field];
        if (typeof v === 'number') (wanted.get(fk.model) ?? wanted.set(fk.model, new Set()).get(fk.model))?.add(v);
      }
    }
    return [...wanted].map(([m, pks]) => [m, [...pks]]);
  }

  /** The relocation's PrimaryKeyMap entries for these pks of these models, one index lookup per model. */
  private async mapEntries(wanted: Array<[string, number[]]>): Promise<PrimaryKeyMap> {
    const map = new PrimaryKeyMap();
    if (wanted.length === 0) return map;
    const params: unknown[] = [this.facts.relocationId];
    const branches = wanted.map(([model, pks]) =>
      sql`SELECT model, old_pk, new_pk, kind, slug FROM relocate.pk_map WHERE relocation_id = $1 AND model = $${params.push(model)} AND old_pk = ANY($${params.push(pks)}::bigint[])`);
    const { rows } = await this.client.query<{ model: string; old_pk: number; new_pk: number; kind: ImportKind; slug: string | null }>(sql`${joinSql(branches, sql` UNION ALL `)}`.text, params);
    for (const r of rows) map.insert(r.model, r.old_pk, r.new_pk, r.kind, r.slug);
    return map;
  }

  /** Per pk of these records: the fields findings name ('' for a finding about the whole record). */
  private async findings(model: string, pks: number[]): Promise<Map<string, Set<string>>> {
    const { rows } = await this.client.query<{ pk: number; field: string | null }>(
      'SELECT pk, field FROM relocate.finding WHERE relocation_id = $1 AND model = $2 AND pk = ANY($3::bigint[])',
      [this.facts.relocationId, model, pks],
    );
    const named = new Map<string, Set<string>>();
    for (const r of rows) (named.get(String(r.pk)) ?? named.set(String(r.pk), new Set()).get(String(r.pk)))?.add(r.field ?? '');
    return named;
  }

  private async rows(table: string, ids: number[]): Promise<Map<number, Record<string, unknown>>> {
    const { rows } = await this.client.query<{ id: number; row: Record<string, unknown> }>(
      sql`SELECT t.id, to_jsonb(t) AS row FROM ${ident(table)} t WHERE t.id = ANY($1::bigint[])`.text, [ids]);
    return new Map(rows.map((r) => [r.id, r.row]));
  }

  private async organizations(ids: number[]): Promise<Map<number, NonNullable<FieldCheck['organization']>>> {
    const { rows } = await this.client.query<{ id: number; final_slug: string | null; original_status: number | null }>(
      `SELECT o.id, s.final_slug, h.original_status FROM unnest($2::bigint[]) AS o(id)
       LEFT JOIN relocate.org_slug s ON s.relocation_id = $1 AND s.organization_id = o.id
       LEFT JOIN relocate.hidden_organization h ON h.relocation_id = $1 AND h.organization_id = o.id`,
      [this.facts.relocationId, ids],
    );
    return new Map(rows.map((r) => [r.id, { finalSlug: r.final_slug ?? undefined, hiddenStatus: r.original_status ?? undefined }]));
  }
}

/** Null when the field holds the export's value or an allowed difference; else what it should hold and why not. */
export function judge(c: FieldCheck): { expected: unknown; reason: string } | null {
  const applicable = allowedDifferences.filter((d) => d.applies(c));
  let expected = c.expected;
  for (const d of applicable) if (d.expect) expected = d.expect(c);
  if (c.columnType !== undefined && expected !== undefined && sameValue(c.columnType, expected, c.actual)) return null;
  if (applicable.some((d) => d.accepts?.(c))) return null;
  if (c.foreignKey && c.foreignKey.mapped === undefined) {
    return { expected: null, reason: `the export's ${c.foreignKey.model} pk ${String(c.expected)} has no entry in the PrimaryKeyMap` };
  }
  const names = applicable.map((d) => d.name);
  return { expected, reason: names.length > 0 ? `differs from the export, and is not ${names.join(' or ')}` : 'differs from the export' };
}
