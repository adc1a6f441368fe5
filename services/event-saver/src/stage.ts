import { payloadOf, type PipelineRecord, type Topics } from '@relocate/codec';
import { failedForGood, type Pool, withTransaction } from '@relocate/database';
import type { ModelGraph } from '@relocate/domain';
import type { Output, StageDefinition, StageMessage } from '@relocate/stage-runtime';
import { completeRelocation } from './complete.ts';
import { normalizeEvent } from './normalize.ts';
import { markPublished, saveEvents } from './save.ts';

export interface EventSaverDeps { pool: Pool; topics: Topics; graph: ModelGraph }

/**
 * event-saver: reserved -> eventstream. Saves events with their releases and environments, publishes each to
 * the eventstream keyed by project (so a project's events stay ordered), and completes the relocation.
 */
export function eventSaverStage(deps: EventSaverDeps): StageDefinition<PipelineRecord> {
  return {
    stage: 'event-saver',
    inputTopic: deps.topics.reserved,
    async process({ value }: StageMessage<PipelineRecord>, ctx): Promise<Output[]> {
      const id = value.relocationId;
      const events = payloadOf(value.payload, 'relocate.EventBatch');
      if (events) {
        if (await failedForGood(deps.pool, id)) return []; // its rows are removed at the end
        const now = Date.now();
        const normalized = events.events.map((text, i) => normalizeEvent(JSON.parse(text) as Record<string, unknown>, events.ordinal + i, now));
        const pending = await withTransaction(deps.pool, (client) => saveEvents(client, id, events.ordinal, normalized));
        await ctx.produce(pending.map((m) => ({ topic: deps.topics.eventstream, key: String(m.projectId), value: m })));
        await markPublished(deps.pool, id, events.ordinal);
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
