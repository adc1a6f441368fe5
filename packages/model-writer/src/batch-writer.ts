import type { ImportKind, ImportOptions, ModelBatch, PrimaryKeyMapEntry } from '@relocate/codec';
import { type Client, ident, joinSql, sql } from '@relocate/database';
import { admittedScopes, BadInputError, columnOf, type Finding, instanceScope, type ModelGraph, type ModelRelations, PrimaryKeyMap } from '@relocate/domain';
import { type PrimaryKeyMapSource, storedPrimaryKeyMap } from './pk-map-source.ts';
import { deletedFields, deletedModels, drawIds, type ModelRule, modelRules, type Row, type RuleContext, type SiteSettings } from './rules/index.ts';
import { type Column, holdsUnstorableText, TableColumns, toParam, typeMismatch, unstorable } from './table-columns.ts';

type Warning = Omit<Finding, 'relocationId' | 'stage' | 'severity'>;

/** `rows` are the batch's decided rows (values as written, decision), for a caller that reports them; none on a replay. */
export interface BatchResult { entries: PrimaryKeyMapEntry[]; warnings: Warning[]; replayed: boolean; rows: readonly Row[] }

/** Generated tables keep the fields they have no column for here, so nothing an export carries is lost. */
const catchAll = 'relocate_fields';

/**
 * Writes one ModelBatch in the caller's transaction, as Sentry's import_by_model: a batch already written
 * (same relocation, model and first ordinal) returns its stored PrimaryKeyMap entries and writes nothing.
 */
export class BatchWriter {
  private readonly columns = new TableColumns();
  private readonly graph: ModelGraph;
  private readonly site: SiteSettings;
  private readonly source: PrimaryKeyMapSource;

  constructor(graph: ModelGraph, site: SiteSettings, source: PrimaryKeyMapSource = storedPrimaryKeyMap) {
    this.graph = graph;
    this.site = site;
    this.source = source;
  }

  async write(client: Client, relocationId: string, options: ImportOptions, batch: ModelBatch): Promise<BatchResult> {
    const stored = await this.storedChunk(client, relocationId, batch);
    if (stored) return { entries: stored, warnings: [], replayed: true, rows: [] };

    const warnings: Warning[] = [];
    const skipAll = (kind: string, reason: string): BatchResult => {
      for (const r of batch.records) warnings.push({ kind, model: batch.model, pk: r.pk, field: null, reason });
      return { entries: [], warnings, replayed: false, rows: [] };
    };
    if (deletedModels.has(batch.model)) return skipAll('DeletedModel', `${batch.model} was deleted from Sentry; an export of an earlier release carries it, and nothing holds it now`);
    const relations = this.graph.get(batch.model);
    if (!relations) return skipAll('UnknownModel', `${batch.model} is not a Sentry model this importer knows`);
    if (relations.scopes.every((s) => s === 'Excluded')) return skipAll('ExcludedModel', `${batch.model} is never relocated (scope Excluded)`);
    const columns = await this.columns.of(client, relations.tableName);
    if (!columns) throw new MissingTableError(batch.model, relations.tableName);

    const sources = batch.records.map((r) => parseFields(r.fields, batch.model, r.pk));
    const pkMap = await this.loadDependencyMap(client, relocationId, relations, batch, sources);
    const rule = modelRules.get(batch.model);
    const rows: Row[] = [];
    const admitted = admittedScopes[options.scope];

    const ctx: RuleContext = { client, relocationId, options, pkMap, site: this.site, table: relations.tableName, warn: (w: Warning) => warnings.push(w) };
    const droppedEarlier = await this.droppedTargets(client, relocationId, relations, sources, pkMap, rule?.nullWhenUnmapped);
    for (const [i, record] of batch.records.entries()) {
      const source = sources[i] as Record<string, unknown>;
      if (!admitted.has(instanceScope(batch.model, relations.scopes, source))) {
        warnings.push({ kind: 'OutOfScope', model: batch.model, pk: record.pk, field: null, reason: `not imported in ${options.scope.toLowerCase()} scope` });
        continue;
      }
      const row: Row = { oldPk: record.pk, source, values: {}, decision: { kind: 'INSERTED' }, slug: null };
      if (!mapFields(relations, row, pkMap, columns, warnings, droppedEarlier, options.dropDangling === true, rule?.nullWhenUnmapped)) continue;
      if (rule?.normalize && !(await rule.normalize(row, ctx))) continue;
      checkColumns(batch.model, row, columns);
      rows.push(row);
    }
    await rule?.resolveCollisions?.(rows, ctx);

    const entries = await this.persist(client, relations.tableName, columns, rows, batch.model, rule, ctx);
    if (entries.length > 0) await this.recordChunk(client, relocationId, batch, rows, entries);
    return { entries, warnings, replayed: false, rows };
  }

  private async storedChunk(client: Client, relocationId: string, batch: ModelBatch): Promise<PrimaryKeyMapEntry[] | undefined> {
    const { rows } = await client.query<{ inserted_map: Record<string, number>; existing_map: Record<string, number>; overwrite_map: Record<string, number>; inserted_identifiers: Record<string, string> }>(
      'SELECT inserted_map, existing_map, overwrite_map, inserted_identifiers FROM relocate.import_chunk WHERE relocation_id = $1 AND model = $2 AND min_ordinal = $3',
      [relocationId, batch.model, batch.minOrdinal],
    );
    const chunk = rows[0];
    if (!chunk) return undefined;
    const out: PrimaryKeyMapEntry[] = [];
    const add = (m: Record<string, number>, kind: ImportKind): void => {
      for (const [old, newPk] of Object.entries(m)) out.push({ oldPk: Number(old), newPk, kind, slug: chunk.inserted_identifiers[old] ?? null });
    };
    add(chunk.inserted_map, 'INSERTED');
    add(chunk.existing_map, 'EXISTING');
    add(chunk.overwrite_map, 'OVERWRITE');
    return out.sort((a, b) => a.oldPk - b.oldPk);
  }

  /**
   * The PrimaryKeyMap entries this batch's foreign keys point at, for every target model in one query. The same
   * query looks for the batch's own pks: one already mapped is a duplicate pk. A pk twice in one model is
   * ambiguous (which row do references mean?); Sentry silently keeps the last, we refuse.
   */
  private async loadDependencyMap(client: Client, relocationId: string, relations: ModelRelations, batch: ModelBatch, sources: Array<Record<string, unknown>>): Promise<PrimaryKeyMap> {
    const own = new Set<number>();
    for (const r of batch.records) {
      if (own.has(r.pk)) throw duplicatePk(batch.model, r.pk);
      own.add(r.pk);
    }
    const wanted = new Map<string, Set<number>>([[batch.model, own]]);
    for (const fields of sources) {
      for (const [field, fk] of relations.foreignKeys) {
        const v = fields[field];
        if (typeof v === 'number') (wanted.get(fk.model) ?? wanted.set(fk.model, new Set()).get(fk.model))?.add(v);
      }
    }
    const rows = await this.source.lookup(client, relocationId, wanted);
    const map = new PrimaryKeyMap();
    for (const r of rows) {
      if (r.model === batch.model && own.has(r.old_pk)) throw duplicatePk(batch.model, r.old_pk);
      map.insert(r.model, r.old_pk, r.new_pk, r.kind, r.slug);
    }
    return map;
  }

  /**
   * The foreign-key targets of the batch that the PrimaryKeyMap lacks but the relocation reported as dropped (for a
   * reason it recorded), so their dependants follow them rather than fail: one lookup for the whole batch.
   */
  private droppedTargets(client: Client, relocationId: string, relations: ModelRelations, sources: Array<Record<string, unknown>>, pkMap: PrimaryKeyMap, nullWhenUnmapped?: ReadonlySet<string>): Promise<Set<string>> {
    const dropped = deletedFields.get(relations.model);
    const targets = new Map<string, readonly [string, number]>();
    for (const fields of sources) {
      for (const [field, fk] of relations.foreignKeys) {
        const v = fields[field];
        if (dropped?.has(field) || nullWhenUnmapped?.has(field) || typeof v !== 'number' || !Number.isSafeInteger(v) || pkMap.getPk(fk.model, v) !== undefined) continue;
        targets.set(`${fk.model}:${v}`, [fk.model, v]);
      }
    }
    return this.source.droppedEarlier(client, relocationId, [...targets.values()]);
  }

  private async persist(client: Client, table: string, columns: Map<string, Column>, rows: Row[], model: string, rule: ModelRule | undefined, ctx: RuleContext): Promise<PrimaryKeyMapEntry[]> {
    const entries: PrimaryKeyMapEntry[] = [];
    const inserts = rows.filter((r) => r.decision.kind === 'INSERTED');
    if (inserts.length > 0) {
      const ids = await drawIds(client, table, inserts.length);
      inserts.forEach((r, i) => (r.values.id = ids[i]));
      await rule?.beforeInsert?.(inserts, ctx);
      // The rows as one JSON document that PostgreSQL turns into rows of the table's type: a fraction of the cost of
      // a VALUES list of parameters, which node-postgres escapes one by one. A column a row leaves out takes its
      // default, so rows go in groups by the columns they set.
      for (const group of byColumnsSet(inserts, columns).values()) {
        const names = joinSql(group.columns.map((c) => ident(c)));
        const rowsJson = JSON.stringify(group.rows.map((r) => Object.fromEntries(group.columns.map((c) => [c, r.values[c]]))));
        await client.query(sql`INSERT INTO ${ident(table)} (${names}) SELECT ${names} FROM json_populate_recordset(NULL::${ident(table)}, $1::json)`.text, [rowsJson])
          .catch((err: unknown) => {
            throw asIntegrityFinding(err, model, group.rows);
          });
      }
    }
    await rule?.afterInsert?.(inserts, ctx);
    for (const r of rows) {
      if (r.decision.kind === 'OVERWRITE') {
        const set = Object.keys(r.values).filter((c) => c !== 'id' && columns.has(c));
        const params = set.map((c) => toParam(columns.get(c) as Column, r.values[c]));
        await client.query(sql`UPDATE ${ident(table)} SET ${joinSql(set.map((c, i) => sql`${ident(c)} = $${i + 1}`))} WHERE id = $${set.length + 1}`.text, [...params, r.decision.newPk]);
      }
      entries.push({ oldPk: r.oldPk, newPk: newPkOf(r), kind: r.decision.kind, slug: r.slug });
    }
    return entries;
  }

  private async recordChunk(client: Client, relocationId: string, batch: ModelBatch, rows: Row[], entries: PrimaryKeyMapEntry[]): Promise<void> {
    const byKind = (k: ImportKind): Record<string, number> => Object.fromEntries(entries.filter((e) => e.kind === k).map((e) => [e.oldPk, e.newPk]));
    const inserted = entries.filter((e) => e.kind === 'INSERTED');
    const sourcePks = rows.map((r) => r.oldPk);
    // The map entries and the chunk in one statement: one round trip fewer per batch.
    await client.query(
      `WITH mapped AS (
         INSERT INTO relocate.pk_map (relocation_id, model, old_pk, new_pk, kind, slug)
         SELECT $1, $2, * FROM unnest($13::bigint[], $14::bigint[], $15::text[], $16::text[])
         ON CONFLICT (relocation_id, model, old_pk) DO UPDATE SET new_pk = EXCLUDED.new_pk, kind = EXCLUDED.kind, slug = EXCLUDED.slug)
       INSERT INTO relocate.import_chunk (relocation_id, model, min_ordinal, max_ordinal, min_source_pk, max_source_pk,
         min_inserted_pk, max_inserted_pk, inserted_map, existing_map, overwrite_map, inserted_identifiers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        relocationId, batch.model, batch.minOrdinal, batch.minOrdinal + entries.length - 1,
        Math.min(...sourcePks), Math.max(...sourcePks),
        inserted.length ? Math.min(...inserted.map((e) => e.newPk)) : null,
        inserted.length ? Math.max(...inserted.map((e) => e.newPk)) : null,
        byKind('INSERTED'), byKind('EXISTING'), byKind('OVERWRITE'),
        Object.fromEntries(inserted.filter((e) => e.slug !== null).map((e) => [e.oldPk, e.slug])),
        entries.map((e) => e.oldPk), entries.map((e) => e.newPk), entries.map((e) => e.kind), entries.map((e) => e.slug),
      ],
    );
  }
}

/** Fields to columns, foreign keys through the PrimaryKeyMap. False when the row must be dropped. */
function mapFields(
  relations: ModelRelations, row: Row, pkMap: PrimaryKeyMap, columns: Map<string, Column>,
  warnings: Warning[], droppedEarlier: ReadonlySet<string>, dropDangling: boolean, nullWhenUnmapped?: ReadonlySet<string>,
): boolean {
  const dropped = deletedFields.get(relations.model);
  const model = relations.model;
  for (const [field, value] of Object.entries(row.source)) {
    if (dropped?.has(field)) {
      // An empty deleted field loses nothing; one with a value is named, as every dropped value is.
      if (value != null) warnings.push({ kind: 'DeletedField', model, pk: row.oldPk, field, reason: `field ${field} was deleted from Sentry; its value is dropped` });
      continue;
    }
    const fk = relations.foreignKeys.get(field);
    if (!fk) {
      if (field !== 'id' && columns.has(field)) row.values[field] = value;
      else if (columns.has(catchAll)) ((row.values[catchAll] ??= {}) as Record<string, unknown>)[field] = value;
      else warnings.push({ kind: 'UnknownField', model, pk: row.oldPk, field, reason: `field ${field} has no column in ${relations.tableName}; ignored` });
      continue;
    }
    const column = columnOf(field);
    if (value === null || value === undefined) {
      row.values[column] = null;
      continue;
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new BadInputError({ kind: 'InvalidForeignKey', model: relations.model, pk: row.oldPk, field, reason: `foreign key to ${fk.model} must be an integer pk, got ${JSON.stringify(value)}` });
    }
    const mapped = pkMap.getPk(fk.model, value);
    if (mapped !== undefined) {
      row.values[column] = mapped;
      continue;
    }
    if (nullWhenUnmapped?.has(field)) {
      row.values[column] = null;
      continue;
    }
    const explained = droppedEarlier.has(`${fk.model}:${value}`);
    if (!explained && dropDangling) {
      warnings.push({ kind: 'DanglingForeignKey', model: relations.model, pk: row.oldPk, field, reason: `dropped (--drop-dangling): refers to ${fk.model} pk ${value}, which is not in the export` });
      return false;
    }
    if (!explained) {
      throw new BadInputError({ kind: 'DanglingForeignKey', model: relations.model, pk: row.oldPk, field, reason: `refers to ${fk.model} pk ${value}, which is not in the export (or comes after this record)` });
    }
    warnings.push({ kind: 'DroppedWithParent', model: relations.model, pk: row.oldPk, field, reason: `dropped because ${fk.model} pk ${value} was not imported` });
    return false;
  }
  return true;
}

/** Rows by the set of table columns they give a value (in table order). */
function byColumnsSet(rows: Row[], columns: Map<string, Column>): Map<string, { columns: string[]; rows: Row[] }> {
  const groups = new Map<string, { columns: string[]; rows: Row[] }>();
  for (const r of rows) {
    const set = [...columns.keys()].filter((c) => r.values[c] !== undefined);
    const key = set.join(',');
    const group = groups.get(key) ?? groups.set(key, { columns: set, rows: [] }).get(key) as { columns: string[]; rows: Row[] };
    group.rows.push(r);
  }
  return groups;
}

/** The row's new pk: its own inserted id, the existing row it reuses, or that of the batch row it duplicates. */
function newPkOf(r: Row): number {
  const d = r.decision;
  if (d.kind === 'INSERTED') return Number(r.values.id);
  return 'sameAs' in d ? newPkOf(d.sameAs) : d.newPk;
}

/**
 * The target database lacks the model's table: a deployment to fix, not bad input. The relocation parks at the
 * writer, and a retry after the migration continues where it stopped.
 */
export class MissingTableError extends Error {
  override name = 'MissingTableError';
  readonly retriable = false;
  constructor(model: string, table: string) {
    super(`${model} has no table ${table} in this database yet`);
  }
}

const duplicatePk = (model: string, pk: number): BadInputError =>
  new BadInputError({ kind: 'DuplicatePk', model, pk, field: 'pk', reason: `pk ${pk} appears more than once for ${model}` });

function parseFields(text: string, model: string, pk: number): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new BadInputError({ kind: 'DeserializationFailed', model, pk, field: 'fields', reason: 'fields are not a JSON object' });
}

/** Required columns present and every value of the column's type, named by model, pk and field. */
function checkColumns(model: string, row: Row, columns: Map<string, Column>): void {
  for (const column of columns.values()) {
    if (column.name === 'id') continue;
    const value = row.values[column.name];
    if ((value === undefined || value === null) && !column.nullable && (value === null || !column.hasDefault)) {
      throw new BadInputError({ kind: 'MissingField', model, pk: row.oldPk, field: column.name, reason: `required field ${column.name} is ${value === null ? 'null' : 'missing'}` });
    }
    const mismatch = typeMismatch(column, value);
    if (mismatch) throw new BadInputError({ kind: 'WrongFieldType', model, pk: row.oldPk, field: column.name, reason: mismatch });
    const refused = unstorable(column, value);
    if (refused) throw new BadInputError({ kind: 'UnstorableValue', model, pk: row.oldPk, field: fieldOf(column.name, value), reason: refused });
  }
}

/** The export field behind a column: for the catch-all column, the first kept field whose value PostgreSQL refuses. */
function fieldOf(column: string, value: unknown): string {
  if (column !== catchAll || typeof value !== 'object' || value === null) return column;
  return Object.entries(value).find(([k, v]) => holdsUnstorableText(k) || holdsUnstorableText(v))?.[0] ?? column;
}

/**
 * A unique or foreign-key violation (class 23), or a value PostgreSQL refuses that the checks above did not foresee
 * (class 22, data exception), names the model and, where PostgreSQL tells, the column and values.
 */
function asIntegrityFinding(err: unknown, model: string, rows: Row[]): unknown {
  const e = err as { code?: string; detail?: string; constraint?: string; column?: string; message?: string };
  const pk = rows.length === 1 ? (rows[0]?.oldPk ?? null) : null;
  if (e.code?.startsWith('22')) return new BadInputError({ kind: 'UnstorableValue', model, pk, field: e.column ?? null, reason: e.message ?? 'PostgreSQL refused a value' });
  if (!e.code?.startsWith('23')) return err;
  const finding = new BadInputError({ kind: 'IntegrityError', model, pk, field: e.column ?? null, reason: `${e.message ?? 'integrity violation'}${e.detail ? `: ${e.detail}` : ''}` });
  return e.code === uniqueViolation ? new LostRaceError(finding) : finding;
}

const uniqueViolation = '23505';

/**
 * A unique value of the batch that was free when the batch looked, but taken when it inserted: another relocation
 * committed it in between, and the unique index decided. Writing the batch again looks again and draws anew; if
 * it keeps losing, the value is taken within the export itself and `finding` says so.
 */
export class LostRaceError extends Error {
  override name = 'LostRaceError';
  readonly finding: BadInputError;
  constructor(finding: BadInputError) {
    super(finding.message);
    this.finding = finding;
  }
}
