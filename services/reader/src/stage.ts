import type { ExportChunk, Topics } from '@relocate/codec';
import { failWithFinding, getRelocation, recordFindings, restartRelocation, startRelocation, type Pool } from '@relocate/database';
import { BadInputError, type Finding, type ModelGraph } from '@relocate/domain';
import { type Output, pipelineOutput, ReadAgainError, type StageContext, type StageDefinition, type StageMessage } from '@relocate/stage-runtime';
import { RelocationAssembly } from './assembly.ts';
import { ExportFilter, filteredOutFindings } from './filters.ts';

export interface ReaderDeps { pool: Pool; topics: Topics; graph: ModelGraph; batchRecords: number; batchBytes: number }

const chunkError = (relocationId: string, reason: string): BadInputError =>
  new BadInputError({ kind: 'InvalidSubmission', model: null, pk: null, field: null, reason: `submission of ${relocationId}: ${reason}` });

/**
 * reader: exports -> models, and events -> reserved (the event saver's input). Holds a relocation's chunks uncommitted until its files are fully read, so a
 * restart re-reads the relocation from its first chunk; downstream writes are idempotent per batch.
 */
export function readerStage(deps: ReaderDeps): StageDefinition<ExportChunk> {
  const assemblies = new Map<string, { assembly: RelocationAssembly; partition: number; submissionId: string | null }>();
  // Times each relocation was read again after a failure mid-read; past the limit it fails for good.
  const rereads = new Map<string, number>();
  const pipeline = pipelineOutput(deps.topics.models, 'reader');
  // Events need only their projects: they go to the event saver beside the models, not behind them.
  const toEventSaver = pipelineOutput(deps.topics.reserved, 'reader');

  const begin = async (chunk: ExportChunk, partition: number, ctx: StageContext): Promise<RelocationAssembly> => {
    if (!chunk.options) throw chunkError(chunk.relocationId, 'the first export chunk carries no import options');
    const existing = await getRelocation(deps.pool, chunk.relocationId);
    if (existing) await restartRelocation(deps.pool, chunk.relocationId);
    else await startRelocation(deps.pool, chunk.relocationId, chunk.options);
    const assembly = new RelocationAssembly({ batchRecords: deps.batchRecords, batchBytes: deps.batchBytes }, {
      models: (batch) => ctx.produce([pipeline(chunk.relocationId, { 'relocate.ModelBatch': batch })]),
      events: (batch) => ctx.produce([toEventSaver(chunk.relocationId, { 'relocate.EventBatch': batch })]),
      filtered: (records) => recordFindings(deps.pool, filteredOutFindings(chunk.relocationId, records)),
    }, deps.graph, ExportFilter.of(chunk.options), chunk.hasEvents);
    assemblies.set(chunk.relocationId, { assembly, partition, submissionId: chunk.submissionId ?? null });
    return assembly;
  };

  const finish = (id: string, a: RelocationAssembly, ctx: StageContext): Output[] => {
    assemblies.delete(id);
    rereads.delete(id);
    ctx.release();
    return [pipeline(id, {
      'relocate.RelocationEnd': { modelBatches: a.batcher.batches, eventBatches: a.eventBatches, records: a.batcher.records, events: a.eventCount },
    })];
  };

  return {
    stage: 'reader',
    inputTopic: deps.topics.exports,
    // Not abandoned: a record of the relocation may still be in hand, and finishes with the memory it began with.
    onRebalance: () => assemblies.clear(),
    onRewind: (partition) => {
      for (const [id, a] of assemblies) {
        if (a.partition !== partition) continue;
        a.assembly.abandon();
        assemblies.delete(id);
      }
    },
    async process({ value: chunk, partition }: StageMessage<ExportChunk>, ctx): Promise<Output[]> {
      const id = chunk.relocationId;
      let assembly = assemblies.get(id)?.assembly;
      if (chunk.part === 'EXPORT' && chunk.seq === 0) {
        if (assembly) {
          ctx.log.warn({ relocationId: id }, 'export restarted from its first chunk; reading it again');
          assembly.abandon();
        }
        ctx.hold();
        assembly = await begin(chunk, partition, ctx);
      } else if (!assembly) {
        // A chunk whose relocation is not being read: its start lies before the committed offset (it was read
        // before a restart) or its relocation already failed. Either way there is nothing left to do with it.
        ctx.log.debug({ relocationId: id, part: chunk.part, seq: chunk.seq }, 'skipping chunk of a relocation not being read');
        return [];
      } else if (isOtherSubmission(chunk, assemblies.get(id)?.submissionId ?? null)) {
        // The relocation was submitted again while it was read (two submitters at once, or a resend after a crash
        // mid-send): the submission that started last is read, the rest of the earlier one is skipped.
        ctx.log.debug({ relocationId: id, part: chunk.part, seq: chunk.seq }, 'skipping chunk of an earlier submission of this relocation');
        return [];
      }
      try {
        if (chunk.part === 'EVENTS' && !assembly.exportDone) throw chunkError(id, `events chunk ${chunk.seq} arrived before the export ended`);
        if (chunk.part === 'EVENTS' && chunk.seq === 0) assembly.startEvents();
        if (chunk.seq !== assembly.nextSeq) throw chunkError(id, `${chunk.part.toLowerCase()} chunk ${chunk.seq} arrived where chunk ${assembly.nextSeq} was expected`);
        assembly.nextSeq++;
        await assembly.write(chunk.data);
        if (!chunk.isLast) return [];
        if (chunk.part === 'EXPORT') {
          await assembly.endExport();
          return chunk.hasEvents ? [] : finish(id, assembly, ctx);
        }
        await assembly.endEvents();
        return finish(id, assembly, ctx);
      } catch (caught) {
        assemblies.delete(id);
        assembly.abandon();
        let err = caught;
        if (!(err instanceof BadInputError)) {
          // Kafka or the database failed mid-read: the parse state is gone, so the relocation is read again from
          // its first chunk, with a growing pause; a failure that persists fails the relocation.
          const attempt = (rereads.get(id) ?? 0) + 1;
          rereads.set(id, attempt);
          if (attempt <= maxRereads) throw new ReadAgainError(err, Math.min(30_000, 500 * 2 ** (attempt - 1)));
          err = new BadInputError({ kind: 'ReadFailed', model: null, pk: null, field: null, reason: `reading the export failed ${attempt} times; last: ${err instanceof Error ? err.message : String(err)}` });
        }
        ctx.release();
        if (err instanceof BadInputError) {
          // Recorded before the end marker leaves, so no later stage can see the relocation as healthy.
          const finding: Finding = { relocationId: id, stage: 'reader', ...err.finding };
          await failWithFinding(deps.pool, finding);
          await ctx.produce(finish(id, assembly, ctx));
        }
        throw err;
      }
    },
  };
}

const maxRereads = 5;

const isOtherSubmission = (chunk: ExportChunk, reading: string | null): boolean =>
  chunk.submissionId != null && reading !== null && chunk.submissionId !== reading;
