import { type Client, ident, joinSql, sql } from '@relocate/database';
import type { Decision, Row, RuleContext } from './types.ts';

/** Ids of existing rows by a column's value, for a whole batch in one query; case-insensitive keys are lowered. */
export async function existingIds(ctx: RuleContext, table: string, column: string, values: unknown[], caseInsensitive = false): Promise<Map<string, number>> {
  const wanted = [...new Set(values.filter((v) => v != null).map(String))];
  if (wanted.length === 0) return new Map();
  const col = caseInsensitive ? sql`lower(${ident(column)})` : ident(column);
  const { rows } = await ctx.client.query<{ id: number; v: string }>(
    sql`SELECT id, ${col} AS v FROM ${ident(table)} WHERE ${col} = ANY($1::text[])`.text,
    [caseInsensitive ? wanted.map((w) => w.toLowerCase()) : wanted],
  );
  return new Map(rows.map((r) => [r.v, r.id]));
}

/**
 * Unique columns of a batch, all in one statement (one index-backed branch per column): for each column, which
 * rows collide with the table or with an earlier row of the batch.
 */
export async function collisions<C extends string>(ctx: RuleContext, table: string, columns: Record<C, unknown[]>): Promise<Record<C, (v: unknown) => boolean>> {
  const names = Object.keys(columns) as C[];
  const params: unknown[] = [];
  const branches = names.map((c, i) => {
    params.push([...new Set(columns[c].filter((v) => v != null).map(String))]);
    return sql`SELECT ${i} AS c, ${ident(c)}::text AS v FROM ${ident(table)} WHERE ${ident(c)} = ANY($${i + 1}::text[])`;
  });
  const { rows } = params.every((p) => (p as string[]).length === 0)
    ? { rows: [] }
    : await ctx.client.query<{ c: number; v: string }>(sql`${joinSql(branches, sql` UNION ALL `)}`.text, params);
  const out = {} as Record<C, (v: unknown) => boolean>;
  names.forEach((c, i) => {
    const existing = new Set(rows.filter((r) => r.c === i).map((r) => r.v));
    const claimed = new Set<string>();
    out[c] = (v) => {
      if (v == null) return false;
      const hit = existing.has(String(v)) || claimed.has(String(v));
      claimed.add(String(v));
      return hit;
    };
  });
  return out;
}

/** Values already claimed by rows earlier in the same batch. */
export class Claimed {
  private readonly seen = new Map<string, Row>();
  private readonly fold: (v: string) => string;

  constructor(caseInsensitive = false) {
    this.fold = caseInsensitive ? (v) => v.toLowerCase() : (v) => v;
  }

  by(value: unknown): Row | undefined {
    return value == null ? undefined : this.seen.get(this.fold(String(value)));
  }

  has(value: unknown): boolean {
    return this.by(value) !== undefined;
  }

  claim(value: unknown, row: Row): void {
    if (value != null) this.seen.set(this.fold(String(value)), row);
  }

  /** The claimed values as folded, for a check that must avoid them too. */
  folded(): Set<string> {
    return new Set(this.seen.keys());
  }
}

/** A column of a composite unique key, with its type, so the lookup compares like with like and its index serves it. */
export type KeyColumn = readonly [column: string, type: 'bigint' | 'text'];

/** A row's composite key, or undefined when a part of it is null (such a row never collides). */
const compositeKey = (values: Record<string, unknown>, key: readonly KeyColumn[]): string | undefined =>
  key.some(([c]) => values[c] == null) ? undefined : JSON.stringify(key.map(([c]) => String(values[c])));

/**
 * Get-or-create by a composite unique key for a whole batch, in one query: a row whose key the table holds takes
 * `onExisting` of that row's id, a row whose key an earlier row of the batch holds maps to that row.
 */
export async function reuseByKey(rows: Row[], ctx: RuleContext, key: readonly KeyColumn[], onExisting: (id: number) => Decision): Promise<void> {
  const keyed = rows.filter((r) => compositeKey(r.values, key) !== undefined);
  if (keyed.length === 0) return;
  const columns = joinSql(key.map(([c]) => ident(c)));
  const arrays = joinSql(key.map(([, type], i) => (type === 'bigint' ? sql`$${i + 1}::bigint[]` : sql`$${i + 1}::text[]`)));
  const { rows: found } = await ctx.client.query<Record<string, unknown>>(
    sql`SELECT id, ${columns} FROM ${ident(ctx.table)} WHERE (${columns}) IN (SELECT * FROM unnest(${arrays}))`.text,
    key.map(([c]) => keyed.map((r) => String(r.values[c]))),
  );
  const existing = new Map(found.map((f) => [compositeKey(f, key) as string, Number(f.id)]));
  const claimed = new Claimed();
  for (const row of keyed) {
    const k = compositeKey(row.values, key) as string;
    const id = existing.get(k);
    const twin = claimed.by(k);
    if (id !== undefined) row.decision = onExisting(id);
    else if (twin) row.decision = { kind: 'EXISTING', sameAs: twin };
    else claimed.claim(k, row);
  }
}

/** New ids from a table's sequence, n of them in one statement. */
export async function drawIds(client: Client, table: string, n: number): Promise<number[]> {
  if (n === 0) return [];
  const { rows } = await client.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)`, [table, n]);
  return rows.map((r) => Number(r.id));
}
