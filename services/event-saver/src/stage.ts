import { type EventBatch, payloadOf, type PipelineRecord, type Topics } from '@relocate/codec';
import { type Client, failedForGood, type Pool, recordFindings, withTransaction } from '@relocate/database';
import type { ModelGraph } from '@relocate/domain';
import { type Output, type StageDefinition, type StageMessage, UpstreamPending } from '@relocate/stage-runtime';
import { completeRelocation } from './complete.ts';
import { droppedEventFindings, type NumberedEvent, remapEventProjects } from './projects.ts';
import { normalizeEvent } from './normalize.ts';
import { markPublished, saveEvents } from './save.ts';

export interface EventSaverDeps { pool: Pool; topics: Topics; graph: ModelGraph }

/**
 * event-saver: reserved -> eventstream. Saves events with their releases and environments, publishes each to
 * the eventstream keyed by project (so a project's events stay ordered), and completes the relocation. Events come
 * straight from the reader, beside the models, and wait here for their projects; the end marker comes after them
 * on the same partition, once every stage has passed it.
 */
export function eventSaverStage(deps: EventSaverDeps): StageDefinition<PipelineRecord> {
  return {
    stage: 'event-saver',
    inputTopic: deps.topics.reserved,
    async process({ value }: StageMessage<PipelineRecord>, ctx): Promise<Output[]> {
      const id = value.relocationId;
      const batch = payloadOf(value.payload, 'relocate.EventBatch');
      if (batch) {
        if (await failedForGood(deps.pool, id)) return []; // its rows are removed at the end
        const pending = await withTransaction(deps.pool, async (client) => {
          // A batch remapped by the writer of an earlier release (events then went through it) is saved as it is.
          const events = batch.projectsRemapped
            ? batch.events.map((text, i): NumberedEvent => ({ ordinal: batch.ordinal + i, event: JSON.parse(text) as Record<string, unknown> }))
            : await remappedOrPending(client, id, batch);
          const now = Date.now();
          return saveEvents(client, id, batch.ordinal, events.map((e) => normalizeEvent(e.event, e.ordinal, now)));
        });
        await ctx.produce(pending.map((m) => ({ topic: deps.topics.eventstream, key: String(m.projectId), value: m })));
        await markPublished(deps.pool, id, batch.ordinal);
        return [];
      }
      if (payloadOf(value.payload, 'relocate.RelocationEnd')) {
        const { summary, event } = await withTransaction(deps.pool, (client) => completeRelocation(client, deps.graph, id));
        ctx.log.info({ relocationId: id, status: summary.status, events: summary.events, findings: summary.findings.length }, 'relocation ended');
        if (event) {
          await ctx.produce([{ topic: deps.topics.relocations, key: id, value: event }]);
          await deps.pool.query('UPDATE relocate.relocation SET completion_published = true WHERE id = $1', [id]);
        }
      }
      return [];
    },
  };
}

/** The batch with its projects remapped, its dropped events reported; a project the writer has yet to reach waits. */
async function remappedOrPending(client: Client, relocationId: string, batch: EventBatch): Promise<NumberedEvent[]> {
  const r = await remapEventProjects(client, relocationId, batch);
  if (r.pending.length > 0) {
    throw new UpstreamPending(`events from #${batch.ordinal} of relocation ${relocationId} wait for the writer to write project pk ${r.pending.join(', ')}`);
  }
  await recordFindings(client, droppedEventFindings(relocationId, r.dropped));
  return r.events;
}
