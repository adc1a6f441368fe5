import type { Client } from '@relocate/database';

export interface Column { name: string; type: string; nullable: boolean; hasDefault: boolean; maxLength: number | null }

/** Column facts of Sentry's tables, read once per table from the catalog; a missing table is looked for again. */
export class TableColumns {
  private readonly cache = new Map<string, Map<string, Column> | null>();

  async of(client: Client, table: string): Promise<Map<string, Column> | null> {
    if (this.cache.has(table)) return this.cache.get(table) ?? null;
    const { rows } = await client.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null; character_maximum_length: number | null }>(
      `SELECT column_name, data_type, is_nullable, column_default, character_maximum_length FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = $1`,
      [table],
    );
    const columns = rows.length === 0 ? null : new Map(rows.map((r) => [r.column_name, {
      name: r.column_name, type: r.data_type, nullable: r.is_nullable === 'YES', hasDefault: r.column_default !== null, maxLength: r.character_maximum_length,
    }]));
    if (columns) this.cache.set(table, columns);
    return columns;
  }
}

/** Why a value does not fit a column's type, or null when it fits. Catches wrong field types before the database does. */
export function typeMismatch(column: Column, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'bigint':
    case 'integer':
    case 'smallint':
      return (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value))
        ? null : `expected an integer, got ${describe(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `expected true or false, got ${describe(value)}`;
    case 'timestamp with time zone':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? null : `expected an ISO datetime, got ${describe(value)}`;
    case 'character varying':
    case 'text':
      if (typeof value === 'object') return `expected a string, got ${describe(value)}`;
      // PostgreSQL counts characters (code points), as the spread does.
      return column.maxLength !== null && [...String(value)].length > column.maxLength ? `longer than ${column.maxLength} characters` : null;
    default:
      return null;
  }
}

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return `${Array.isArray(v) ? 'array' : typeof v} ${text.length > 40 ? `${text.slice(0, 40)}...` : text}`;
}

/**
 * Why PostgreSQL cannot store a value that fits the column's type, or null: text and jsonb hold no NUL character.
 * The reason never repeats the value, which may be anything.
 */
export function unstorable(column: Column, value: unknown): string | null {
  const stored = column.type === 'jsonb' || column.type === 'text' || column.type === 'character varying';
  if (stored && containsNul(value)) return 'contains the NUL character (U+0000), which PostgreSQL text and jsonb cannot hold';
  // A JSON \ud800 escape parses to half a character, which has no UTF-8 form: Sentry's writes fail on it too.
  return containsString(value, (s) => loneSurrogate.test(s)) ? 'contains half of a UTF-16 surrogate pair, which is no character and has no UTF-8 form' : null;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string, or any key or string inside a JSON value, holds the NUL character. */
function containsNul(value: unknown): boolean {
  return containsString(value, (s) => s.includes('\u0000'));
}

/** Whether a string, or any key or string inside a JSON value, holds what no PostgreSQL text can. */
export function holdsUnstorableText(value: unknown): boolean {
  return containsString(value, (s) => s.includes('\u0000') || loneSurrogate.test(s));
}

function containsString(value: unknown, test: (s: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) return value.some((v) => containsString(v, test));
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([k, v]) => test(k) || containsString(v, test));
  return false;
}

/** The parameter value for a column: JSON columns take JSON text of any value. */
export function toParam(column: Column, value: unknown): unknown {
  if (value === undefined) return null;
  if (column.type === 'jsonb' || column.type === 'json') return value === null ? null : JSON.stringify(value);
  return value;
}
