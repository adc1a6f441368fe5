import type { ModelBatch, PrimaryKeyMapEntry } from '@relocate/codec';
import { recordFindings, type Pool, withTransaction, writableRelocation } from '@relocate/database';
import { BadInputError, type Finding } from '@relocate/domain';
import { type BatchWriter, LostRaceError } from './batch-writer.ts';

/**
 * Writes one ModelBatch of a relocation in one transaction: rows, PrimaryKeyMap entries, import chunk and the
 * warnings it found. A batch of a relocation that failed on bad input writes nothing (its rows are being removed).
 */
export async function writeForRelocation(pool: Pool, writer: BatchWriter, stage: string, relocationId: string, batch: ModelBatch): Promise<PrimaryKeyMapEntry[] | undefined> {
  const relocation = await writableRelocation(pool, relocationId);
  if (!relocation) throw new BadInputError({ kind: 'UnknownRelocation', model: batch.model, pk: null, field: null, reason: `no relocation ${relocationId} was submitted` });
  if (relocation.failedForGood) return undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(pool, async (client) => {
        const r = await writer.write(client, relocationId, relocation.options, batch);
        await recordFindings(client, r.warnings.map((w): Finding => ({ relocationId, stage, severity: 'warning', ...w })));
        return r.entries;
      });
    } catch (err) {
      if (!(err instanceof LostRaceError)) throw err;
      if (attempt >= maxWrites) throw err.finding;
    }
  }
}

// A lost race is won by the next write, which sees the winner; losing this often means the export collides with itself.
const maxWrites = 4;
