import { type ModelBatch, payloadOf, type PipelineRecord, type Topics } from '@relocate/codec';
import { getRelocation, recordFindings, type Pool, withTransaction } from '@relocate/database';
import { BadInputError, type Finding, type ModelGraph } from '@relocate/domain';
import { type Output, pipelineOutput, type StageDefinition, type StageMessage } from '@relocate/stage-runtime';
import { BatchWriter } from './batch-writer.ts';
import { remapEventProjects } from './events.ts';

export interface WriterDeps { pool: Pool; topics: Topics; graph: ModelGraph }

/** writer: models -> written. Each ModelBatch is one transaction: rows, PrimaryKeyMap entries, import chunk and findings. */
export function writerStage(deps: WriterDeps): StageDefinition<PipelineRecord> {
  const writer = new BatchWriter(deps.graph);
  const out = pipelineOutput(deps.topics.written, 'writer');

  const writeModels = async (relocationId: string, batch: ModelBatch): Promise<Output[]> => {
    const relocation = await getRelocation(deps.pool, relocationId);
    if (!relocation) throw new BadInputError({ kind: 'UnknownRelocation', model: batch.model, pk: null, field: null, reason: `no relocation ${relocationId} was submitted` });
    if (relocation.status === 'failure') return []; // a failed relocation writes nothing more; abort removes what it wrote
    const result = await withTransaction(deps.pool, async (client) => {
      const r = await writer.write(client, relocationId, relocation.options, batch);
      await recordFindings(client, r.warnings.map((w): Finding => ({ relocationId, stage: 'writer', severity: 'warning', ...w })));
      return r;
    });
    return [out(relocationId, { 'relocate.WrittenBatch': { model: batch.model, minOrdinal: batch.minOrdinal, entries: result.entries } })];
  };

  return {
    stage: 'writer',
    inputTopic: deps.topics.models,
    async process({ value }: StageMessage<PipelineRecord>): Promise<Output[]> {
      const id = value.relocationId;
      const models = payloadOf(value.payload, 'relocate.ModelBatch');
      if (models) return writeModels(id, models);
      const events = payloadOf(value.payload, 'relocate.EventBatch');
      if (events) {
        if ((await getRelocation(deps.pool, id))?.status === 'failure') return [];
        const remapped = await withTransaction(deps.pool, async (client) => {
          const r = await remapEventProjects(client, id, events);
          await recordFindings(client, r.dropped.map((d): Finding => ({
            relocationId: id, stage: 'writer', severity: 'warning', kind: 'DroppedWithParent', model: 'event', pk: d.ordinal, field: 'project',
            reason: `event #${d.ordinal} dropped because project pk ${d.project} was not imported`,
          })));
          return r.batch;
        });
        return [out(id, { 'relocate.EventBatch': remapped })];
      }
      return [out(id, value.payload)];
    },
  };
}
