import type { EachBatchPayload } from 'kafkajs';
import type { RelocationEvent } from '@relocate/codec';
import { withTransaction } from '@relocate/database';
import { groupMembership, withRetry } from '@relocate/stage-runtime';
import { type OperationsContext, recordGroupOf } from '../context.ts';
import { applyAt, projectedUpTo } from './projection.ts';

export interface Projector {
  /** Waits, up to timeoutMs, until every event on the relocations topic so far is applied to the record. */
  catchUp(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps the relocation record up to date: consumes the relocations topic and applies each event in its own
 * transaction with the watermark. Every process that hosts stages runs one in the same group, so the record is
 * projected while any of them lives.
 */
export async function startProjector(c: OperationsContext): Promise<Projector> {
  const log = c.log.child({ component: 'record-projector' });
  const topic = c.topics.relocations;
  // As a stage's consumers: a stop of the process waits for this one's idle fetch too.
  const consumer = c.kafka.consumer({ groupId: recordGroupOf(c.config.topicPrefix), ...groupMembership(c.config.sessionTimeoutMs) });
  const retry = { maxRetries: Number.MAX_SAFE_INTEGER, baseMs: c.config.retryBaseMs };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    let last: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      let event: RelocationEvent | undefined;
      try {
        event = message.value ? await c.codec.decode<RelocationEvent>(message.value) : undefined;
      } catch (err) {
        // One undecodable event must not stop the record for everyone; it is skipped and said so.
        log.error({ err, partition: batch.partition, offset: message.offset }, 'skipping an undecodable relocation event');
      }
      await withRetry(
        () => withTransaction(c.pool, (client) => applyAt(client, topic, batch.partition, message.offset, event)),
        retry,
        (err, attempt) => log.warn({ err, attempt }, 'applying a relocation event failed; retrying'),
      );
      resolveOffset(message.offset);
      last = message.offset;
      await heartbeat();
    }
    if (last !== undefined) await consumer.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
  };

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
  return {
    catchUp: async (timeoutMs) => {
      const admin = c.kafka.admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
      const deadline = Date.now() + timeoutMs;
      for (const end of ends.filter((e) => BigInt(e.high) > 0n)) {
        const last = (BigInt(end.high) - 1n).toString();
        while (!(await projectedUpTo(c.pool, topic, end.partition, last)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: () => consumer.disconnect(),
  };
}
