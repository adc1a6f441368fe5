import { isDeepStrictEqual } from 'node:util';

/**
 * Whether the database holds the export's value, in the column's own terms: Django serializes a bitfield or a
 * bigint as a string, PostgreSQL returns JSON for a jsonb column. Timestamps are compared exactly here; a
 * different notation of the same instant is an allowed difference (TimestampNormalized), named as such.
 */
export function sameValue(columnType: string | null | undefined, expected: unknown, actual: unknown): boolean {
  if (expected === null || expected === undefined || actual === null || actual === undefined) return (expected ?? null) === (actual ?? null);
  switch (columnType) {
    case 'bigint':
    case 'integer':
    case 'smallint':
    case 'numeric':
    case 'double precision':
    case 'real':
      return Number(expected) === Number(actual);
    case 'boolean':
      return expected === actual;
    case 'text':
    case 'character varying':
      return typeof expected === 'object' ? false : String(expected) === actual;
    case 'json':
    case 'jsonb':
    case null:
      return isDeepStrictEqual(expected, actual) || (typeof expected === 'string' && isDeepStrictEqual(parsedOrSelf(expected), actual));
    default:
      return isDeepStrictEqual(expected, actual) || String(expected) === String(actual);
  }
}

function parsedOrSelf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
