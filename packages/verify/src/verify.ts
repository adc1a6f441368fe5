import { createReadStream } from 'node:fs';
import type { ImportKind } from '@relocate/codec';
import { getRelocation, type Pool, withClient } from '@relocate/database';
import type { ModelGraph } from '@relocate/domain';
import { eventItems, type ExportRecord, exportRecords } from '@relocate/reader';
import { checkEvents, type EventLine } from './events.ts';
import { type Mismatch, Mismatches } from './mismatch.ts';
import { RecordChecker } from './records.ts';

export interface VerifyRequest { relocationId: string; exportPath: string; eventsPath?: string | undefined }

export interface VerifyResult {
  ok: boolean;
  /** Export records and events checked. */
  checked: number;
  /** The first 10,000 mismatches; `mismatchCount` counts them all. */
  mismatches: Mismatch[];
  mismatchCount: number;
}

/** Records checked per round of queries: memory holds one such batch, whatever the export's size. */
const batchSize = 500;

/**
 * Audits a relocation against its export, read again as a stream: every record accounted for, every field of a
 * written row equal to the export's value or an allowed difference, every foreign key resolving, the counts per
 * model equal to the relocation's result, and every event saved once and published.
 */
export async function verifyRelocation(pool: Pool, graph: ModelGraph, request: VerifyRequest): Promise<VerifyResult> {
  const out = new Mismatches();
  const { relocationId } = request;
  const relocation = await getRelocation(pool, relocationId);
  if (!relocation) {
    out.add({ model: null, pk: null, field: null, expected: 'a relocation', actual: null, reason: `no relocation ${relocationId} was submitted` });
    return result(out, 0);
  }
  if (relocation.status !== 'success') {
    out.add({ model: null, pk: null, field: 'status', expected: 'success', actual: relocation.status, reason: `relocation ${relocationId} did not succeed${relocation.reason ? `: ${relocation.reason}` : ''}` });
  }
  let checked = 0;
  await withClient(pool, async (client) => {
    const checker = new RecordChecker(client, graph, { relocationId, scope: relocation.options.scope, completed: relocation.status === 'success' }, out);
    // Records are grouped by model as they come; a group is checked when it is full or the batch is.
    const pending = new Map<string, ExportRecord[]>();
    let held = 0;
    const flush = async (): Promise<void> => {
      for (const [model, records] of pending) await checker.check(model, records);
      pending.clear();
      held = 0;
    };
    for await (const record of exportRecords(createReadStream(request.exportPath))) {
      (pending.get(record.model) ?? pending.set(record.model, []).get(record.model))?.push(record);
      checked++;
      if (++held >= batchSize) await flush();
    }
    await flush();
    compareCounts(checker.counts, relocation.summary?.models ?? {}, out);

    if (request.eventsPath) {
      let lines: EventLine[] = [];
      let saved = 0;
      for await (const item of eventItems(createReadStream(request.eventsPath)) as AsyncIterable<{ key: number; value: unknown }>) {
        lines.push({ ordinal: item.key + 1, value: item.value });
        checked++;
        if (lines.length >= batchSize) {
          saved += await checkEvents(client, relocationId, lines, out);
          lines = [];
        }
      }
      saved += await checkEvents(client, relocationId, lines, out);
      const reported = relocation.summary?.events ?? 0;
      if (saved !== reported) out.add({ model: 'event', pk: null, field: 'count', expected: reported, actual: saved, reason: `the relocation's result counts ${reported} events; ${saved} of the file are saved` });
    }
  });
  return result(out, checked);
}

const kinds: Array<[ImportKind, 'inserted' | 'existing' | 'overwritten']> = [['INSERTED', 'inserted'], ['EXISTING', 'existing'], ['OVERWRITE', 'overwritten']];

/** The relocation's result counts per model and kind what the export's records map to, no more and no less. */
function compareCounts(counted: Map<string, Record<ImportKind, number>>, reported: Record<string, { inserted: number; existing: number; overwritten: number }>, out: Mismatches): void {
  for (const model of new Set([...counted.keys(), ...Object.keys(reported)])) {
    for (const [kind, key] of kinds) {
      const expected = reported[model]?.[key] ?? 0;
      const actual = counted.get(model)?.[kind] ?? 0;
      if (expected !== actual) out.add({ model, pk: null, field: key, expected, actual, reason: `the relocation's result counts ${expected} ${key}; the export's records map to ${actual}` });
    }
  }
}

function result(out: Mismatches, checked: number): VerifyResult {
  return { ok: out.count === 0, checked, mismatches: out.kept, mismatchCount: out.count };
}
