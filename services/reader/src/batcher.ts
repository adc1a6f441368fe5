import type { ModelBatch } from '@relocate/codec';
import { BadInputError } from '@relocate/domain';
import { checkNesting, checkSize } from './limits.ts';

export interface ExportRecord { model: string; pk: number; fields: Record<string, unknown> }

/** Checks one element of the export array; the message names the position, model and pk where known. */
export function validateRecord(value: unknown, index: number): ExportRecord {
  const where = `export record #${index + 1}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadInputError({ kind: 'DeserializationFailed', model: null, pk: null, field: null, reason: `${where} is not an object` });
  }
  const v = value as Record<string, unknown>;
  const model = typeof v.model === 'string' ? v.model.toLowerCase() : null;
  const pk = typeof v.pk === 'number' && Number.isSafeInteger(v.pk) ? v.pk : null;
  if (model === null || !/^[a-z0-9_]+\.[a-z0-9_]+$/.test(model)) {
    throw new BadInputError({ kind: 'DeserializationFailed', model, pk, field: 'model', reason: `${where} has no valid "<app>.<model>" name` });
  }
  if (pk === null) {
    throw new BadInputError({ kind: 'DeserializationFailed', model, pk: null, field: 'pk', reason: `${where} has no integer pk` });
  }
  if (typeof v.fields !== 'object' || v.fields === null || Array.isArray(v.fields)) {
    throw new BadInputError({ kind: 'DeserializationFailed', model, pk, field: 'fields', reason: `${where} has no "fields" object` });
  }
  const fields = v.fields as Record<string, unknown>;
  checkNesting(model, pk, fields);
  return { model, pk, fields };
}

/**
 * Cuts the export into ModelBatches: one model per batch, at most maxRecords records or maxBytes of fields (UTF-8).
 * Ordinals count per model across the whole export, so a model that appears in two runs never reuses an
 * ordinal (Sentry's importer would silently replay the first run's chunk).
 */
export class ModelBatcher {
  private current: ModelBatch | undefined;
  private bytes = 0;
  private readonly ordinals = new Map<string, number>();
  records = 0;
  batches = 0;

  private readonly maxRecords: number;
  private readonly maxBytes: number;
  constructor(maxRecords: number, maxBytes: number) {
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
  }

  /** Adds a record; returns a batch that is complete because of it, if any. A record too large for a message throws. */
  add(record: ExportRecord): ModelBatch | undefined {
    const fields = JSON.stringify(record.fields);
    const size = checkSize(record.model, record.pk, fields);
    let done: ModelBatch | undefined;
    if (this.current && (this.current.model !== record.model || this.current.records.length >= this.maxRecords || this.bytes + size > this.maxBytes)) {
      done = this.flush();
    }
    if (!this.current) {
      const seen = this.ordinals.get(record.model) ?? 0;
      this.current = { model: record.model, minOrdinal: seen + 1, records: [] };
      this.bytes = 0;
    }
    this.current.records.push({ pk: record.pk, fields });
    this.bytes += size;
    this.ordinals.set(record.model, (this.ordinals.get(record.model) ?? 0) + 1);
    this.records++;
    return done;
  }

  flush(): ModelBatch | undefined {
    const done = this.current;
    this.current = undefined;
    if (done) this.batches++;
    return done;
  }
}
