import { payloadOf, type PipelineRecord, type Topics } from '@relocate/codec';
import { type Pool, withTransaction } from '@relocate/database';
import { type Output, pipelineOutput, type StageDefinition, type StageMessage } from '@relocate/stage-runtime';
import { type BatchWriter, writeForRelocation } from '@relocate/model-writer';
import { reserveSlug } from './reserve.ts';

export interface ReservationDeps { pool: Pool; topics: Topics; writer: BatchWriter }

/** reservation: slugs -> reserved. Sentry's bulk_create_organization_slugs, one organization per transaction. */
export function reservationStage(deps: ReservationDeps): StageDefinition<PipelineRecord> {
  const out = pipelineOutput(deps.topics.reserved, 'reservation');
  return {
    stage: 'reservation',
    inputTopic: deps.topics.slugs,
    async process({ value }: StageMessage<PipelineRecord>): Promise<Output[]> {
      const deferred = payloadOf(value.payload, 'relocate.ModelBatch');
      if (deferred) {
        // Models the writer deferred (org auth tokens): every slug of the relocation is final by now.
        const entries = await writeForRelocation(deps.pool, deps.writer, 'reservation', value.relocationId, deferred);
        return entries ? [out(value.relocationId, { 'relocate.WrittenBatch': { model: deferred.model, minOrdinal: deferred.minOrdinal, entries } })] : [];
      }
      const decision = payloadOf(value.payload, 'relocate.SlugDecision');
      if (!decision) return [out(value.relocationId, value.payload)];
      const reserved = await withTransaction(deps.pool, (client) => reserveSlug(client, value.relocationId, decision));
      return [out(value.relocationId, { 'relocate.SlugReserved': reserved })];
    },
  };
}
