import pg from 'pg';

const minted = Symbol('relocate.sql');

/**
 * SQL text that is safe to splice into a statement. Only this module makes one: from the literal text of
 * `sql` templates, identifiers quoted by node-postgres's escapeIdentifier, and integers (placeholder numbers).
 * Values from an export never become SQL text; they travel as query parameters.
 */
export class Sql {
  readonly text: string;
  /** The token is private to this module, so no other code can make an Sql from a string. */
  constructor(text: string, token: symbol) {
    if (token !== minted) throw new TypeError('Sql is made only by sql``, ident() and joinSql()');
    this.text = text;
  }

  toString(): string {
    return this.text;
  }
}

const mint = (text: string): Sql => new Sql(text, minted);

/** The template tag for any statement with interpolations; anything but Sql or an integer is refused. */
export function sql(strings: TemplateStringsArray, ...values: Array<Sql | number>): Sql {
  let text = strings[0] ?? '';
  values.forEach((v, i) => {
    text += spliced(v) + (strings[i + 1] ?? '');
  });
  return mint(text);
}

/** A quoted identifier; a dotted name (`relocate.pk_map`) is quoted part by part. */
export function ident(name: string): Sql {
  if (name.length === 0 || name.includes('\u0000')) throw new TypeError(`not an identifier: ${JSON.stringify(name)}`);
  return mint(name.split('.').map((part) => pg.escapeIdentifier(part)).join('.'));
}

export function joinSql(parts: readonly Sql[], separator: Sql = mint(', ')): Sql {
  return mint(parts.map(spliced).join(spliced(separator)));
}

function spliced(v: unknown): string {
  if (v instanceof Sql) return v.text;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw new TypeError(`only Sql fragments and integers go into SQL text, got ${typeof v}; pass values as query parameters`);
}
