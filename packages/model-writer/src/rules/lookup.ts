import { ident, sql } from '@relocate/database';
import type { Row, RuleContext } from './types.ts';

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

/** A unique column of a batch: which rows collide with the table or with an earlier row of the batch. */
export async function collisions(ctx: RuleContext, table: string, column: string, values: unknown[]): Promise<(v: unknown) => boolean> {
  const existing = await existingIds(ctx, table, column, values);
  const claimed = new Set<string>();
  return (v) => {
    if (v == null) return false;
    const hit = existing.has(String(v)) || claimed.has(String(v));
    claimed.add(String(v));
    return hit;
  };
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
}
