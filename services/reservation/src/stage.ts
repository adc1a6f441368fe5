import { payloadOf, type PipelineRecord, type Topics } from '@relocate/codec';
import { type Pool, withTransaction } from '@relocate/database';
import type { Output, StageDefinition, StageMessage } from '@relocate/stage-runtime';
import { reserveSlug } from './reserve.ts';

export interface ReservationDeps { pool: Pool; topics: Topics }

/** reservation: slugs -> reserved. Sentry's bulk_create_organization_slugs, one organization per transaction. */
export function reservationStage(deps: ReservationDeps): StageDefinition<PipelineRecord> {
  const out = (relocationId: string, payload: PipelineRecord['payload']): Output => ({
    topic: deps.topics.reserved,
    key: relocationId,
    value: { relocationId, producedBy: 'reservation', payload } satisfies PipelineRecord,
  });
  return {
    stage: 'reservation',
    inputTopic: deps.topics.slugs,
    async process({ value }: StageMessage<PipelineRecord>): Promise<Output[]> {
      const decision = payloadOf(value.payload, 'relocate.SlugDecision');
      if (!decision) return [out(value.relocationId, value.payload)];
      const reserved = await withTransaction(deps.pool, (client) => reserveSlug(client, value.relocationId, decision));
      return [out(value.relocationId, { 'relocate.SlugReserved': reserved })];
    },
  };
}
