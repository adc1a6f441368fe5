import { BadInputError } from '@relocate/domain';

/**
 * How deeply a record's field may nest arrays and objects. Sentry's JSON fields nest a few levels; past this an
 * export is broken or hostile, and the stringify and parse calls on the way (here, in the writer, in PostgreSQL's
 * jsonb) would run out of stack somewhere without saying where.
 */
export const maxNestingDepth = 100;

/**
 * The largest record (its fields as JSON, in UTF-8 bytes) the reader hands on. A record travels in one Kafka
 * message and Kafka refuses a message over its max message size (1 MiB by default, `message.max.bytes`); this
 * leaves room for the envelope, and holds whatever the compression ratio.
 */
export const maxRecordBytes = 1_000_000;

/** Throws, naming model, pk and field, when a top-level field nests deeper than maxNestingDepth. */
export function checkNesting(model: string, pk: number | null, fields: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(fields)) {
    if (depthExceeds(value, maxNestingDepth)) {
      throw new BadInputError({ kind: 'NestedTooDeep', model, pk, field, reason: `field ${field} nests arrays or objects more than ${maxNestingDepth} levels deep` });
    }
  }
}

/** Throws, naming model and pk, when a record's serialized form is larger than maxRecordBytes; else its UTF-8 size. */
export function checkSize(model: string, pk: number | null, json: string): number {
  const bytes = Buffer.byteLength(json);
  if (bytes > maxRecordBytes) {
    throw new BadInputError({ kind: 'RecordTooLarge', model, pk, field: null, reason: `the record is ${bytes} bytes as JSON; the most one Kafka message carries here is ${maxRecordBytes}` });
  }
  return bytes;
}

/** Depth of nested arrays and objects, walked without recursion so any depth is safe; stops past the limit. */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > limit) return true;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth });
  }
  return false;
}
