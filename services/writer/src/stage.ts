import { type ModelBatch, payloadOf, type PipelineRecord, type Topics } from '@relocate/codec';
import type { Pool } from '@relocate/database';
import type { ModelGraph } from '@relocate/domain';
import { type Output, pipelineOutput, type StageDefinition, type StageMessage } from '@relocate/stage-runtime';
import { BatchWriter, deferredModels, writeForRelocation } from '@relocate/model-writer';

export interface WriterDeps { pool: Pool; topics: Topics; graph: ModelGraph; writer: BatchWriter }

/**
 * writer: models -> written. Each ModelBatch is one transaction: rows, PrimaryKeyMap entries, import chunk and
 * findings. Events go from the reader to the event saver directly; the end marker passes on.
 */
export function writerStage(deps: WriterDeps): StageDefinition<PipelineRecord> {
  const writer = deps.writer;
  const out = pipelineOutput(deps.topics.written, 'writer');

  const writeModels = async (relocationId: string, batch: ModelBatch): Promise<Output[]> => {
    // Org auth tokens embed their organization's final slug, so they are written after the reservation stage.
    if (deferredModels.has(batch.model)) return [out(relocationId, { 'relocate.ModelBatch': batch })];
    const entries = await writeForRelocation(deps.pool, writer, 'writer', relocationId, batch);
    if (!entries) return [];
    return [out(relocationId, { 'relocate.WrittenBatch': { model: batch.model, minOrdinal: batch.minOrdinal, entries } })];
  };

  return {
    stage: 'writer',
    inputTopic: deps.topics.models,
    async process({ value }: StageMessage<PipelineRecord>): Promise<Output[]> {
      const id = value.relocationId;
      const models = payloadOf(value.payload, 'relocate.ModelBatch');
      if (models) return writeModels(id, models);
      return [out(id, value.payload)];
    },
  };
}
