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
  return winningRaces(() => withTransaction(pool, async (client) => {
    const r = await writer.write(client, relocationId, relocation.options, batch);
    await recordFindings(client, r.warnings.map((w): Finding => ({ relocationId, stage, severity: 'warning', ...w })));
    return r.entries;
  }));
}

/**
 * Runs a batch's transaction again while it loses a unique race: the next write sees the winner and draws anew.
 * Losing this often means the export collides with itself, and the lost race's finding says so.
 */
export async function winningRaces<T>(writeBatch: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeBatch();
    } catch (err) {
      if (!(err instanceof LostRaceError)) throw err;
      if (attempt >= maxWrites) throw err.finding;
    }
  }
}

const maxWrites = 4;
