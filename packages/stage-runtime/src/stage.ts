import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import { consumerGroupOf, type PipelineRecord, type RecordCodec, type StageName, type Topics } from '@relocate/codec';
import { failRelocation, recordFindings, type Pool } from '@relocate/database';
import { describeFinding } from '@relocate/domain';
import type { Logger } from '@relocate/logging';
import { deadLetterFinding, deadLetterHeaders } from './dead-letter.ts';
import { createProducer } from './kafka.ts';
import { metrics } from './metrics.ts';
import { PartitionOffsets } from './offsets.ts';
import { isRetriable, withRetry, type RetryPolicy } from './retry.ts';

export interface Output { topic: string; key: string; value: object; headers?: IHeaders }

export interface StageMessage<T> { key: string; value: T; topic: string; partition: number; offset: string; headers: IHeaders }

export interface StageContext {
  /** Produce now and wait for the broker's acknowledgement (for handlers that stream their output). */
  produce(outputs: Output[]): Promise<void>;
  /** Keep this message's offset, and every later one of its key, uncommitted until release(). */
  hold(): void;
  release(): void;
  log: Logger;
}

/** One stage: what it consumes and the domain step it runs on each record. */
export interface StageDefinition<T> {
  stage: StageName;
  inputTopic: string;
  process(message: StageMessage<T>, ctx: StageContext): Promise<Output[]>;
  /** Partitions may move to another instance: drop per-partition memory; uncommitted records are re-read. */
  onRebalance?(): void;
}

export interface StageDeps {
  kafka: Kafka;
  codec: RecordCodec;
  pool: Pool;
  topics: Topics;
  topicPrefix: string;
  retry: RetryPolicy;
  log: Logger;
}

export type StageState = 'starting' | 'running' | 'crashed' | 'stopping' | 'stopped';

export interface RunningStage {
  stage: StageName;
  state(): StageState;
  /** Finish the batch in hand, commit, leave the group and disconnect. */
  stop(): Promise<void>;
}

/**
 * Runs a stage as a chain: consume -> decode -> process -> produce -> commit. The offset of a record is
 * committed only after its database work is committed and its output is acknowledged; a record that keeps
 * failing goes to the stage's DLQ with headers naming the error and its origin, and the stage keeps going.
 */
export async function startStage<T>(def: StageDefinition<T>, deps: StageDeps): Promise<RunningStage> {
  const log = deps.log.child({ stage: def.stage });
  const consumer: Consumer = deps.kafka.consumer({
    groupId: consumerGroupOf(deps.topicPrefix, def.stage),
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    retry: { retries: 10 },
  });
  const producer: Producer = createProducer(deps.kafka);
  let state: StageState = 'starting';
  const offsets = new Map<number, PartitionOffsets>();

  consumer.on(consumer.events.GROUP_JOIN, () => {
    offsets.clear();
    def.onRebalance?.();
  });
  consumer.on(consumer.events.CRASH, (e) => {
    log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    if (!e.payload.restart) state = 'crashed';
  });

  const produce = async (outputs: Output[]): Promise<void> => {
    if (outputs.length === 0) return;
    const byTopic = new Map<string, Array<{ key: string; value: Buffer; headers?: IHeaders }>>();
    for (const o of outputs) {
      const value = await deps.codec.encode(o.topic, o.value);
      const list = byTopic.get(o.topic) ?? [];
      list.push(o.headers ? { key: o.key, value, headers: o.headers } : { key: o.key, value });
      byTopic.set(o.topic, list);
    }
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.GZIP,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  };

  const deadLetter = async (topic: string, partition: number, message: KafkaMessage, key: string, err: unknown): Promise<void> => {
    const ctx = { stage: def.stage, topic, partition, message };
    const relocationId = key || '(no relocation key)';
    const finding = deadLetterFinding(relocationId, ctx, err);
    log.warn({ relocationId, topic, partition, offset: message.offset, err }, 'record sent to the dead-letter topic');
    await withRetry(
      async () => {
        await producer.send({
          topic: deps.topics.dlq[def.stage],
          acks: -1,
          messages: [{ key: message.key, value: message.value, headers: deadLetterHeaders(ctx, err) }],
        });
        await recordFindings(deps.pool, [finding]);
        if (key) await failRelocation(deps.pool, key, describeFinding(finding));
      },
      { maxRetries: Number.MAX_SAFE_INTEGER, baseMs: deps.retry.baseMs },
      (e, attempt) => log.warn({ err: e, attempt }, 'dead-lettering failed; retrying'),
    );
    metrics.dlqRecords.inc({ stage: def.stage });
    metrics.recordsProcessed.inc({ stage: def.stage, outcome: 'dlq' });
  };

  const handleOne = async (topic: string, partition: number, message: KafkaMessage, tracker: PartitionOffsets): Promise<void> => {
    const key = message.key?.toString('utf8') ?? '';
    const ctx: StageContext = {
      produce,
      hold: () => tracker.hold(key, message.offset),
      release: () => tracker.release(key),
      log,
    };
    const onRetry = (err: unknown, attempt: number, delayMs: number): void => {
      metrics.retries.inc({ stage: def.stage });
      log.warn({ err, attempt, delayMs: Math.round(delayMs), offset: message.offset }, 'retrying record');
    };
    try {
      if (!message.value) throw new Error('record has no value (a tombstone); stages consume only values');
      const raw = message.value;
      const value = await withRetry(() => deps.codec.decode<T>(raw), deps.retry, onRetry);
      const input: StageMessage<T> = { key, value, topic, partition, offset: message.offset, headers: message.headers ?? {} };
      const outputs = await withRetry(() => def.process(input, ctx), deps.retry, onRetry);
      await withRetry(() => produce(outputs), deps.retry, onRetry);
      metrics.recordsProcessed.inc({ stage: def.stage, outcome: 'ok' });
    } catch (err) {
      if (isRetriable(err) && state === 'stopping') throw err; // leave it uncommitted for the next owner
      await deadLetter(topic, partition, message, key, err);
    }
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    const timer = metrics.batchLatency.startTimer({ stage: def.stage });
    let tracker = offsets.get(batch.partition);
    if (!tracker) offsets.set(batch.partition, (tracker = new PartitionOffsets()));
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        await handleOne(batch.topic, batch.partition, message, tracker);
        tracker.processed(message.offset);
        resolveOffset(message.offset);
        await heartbeat();
      }
    } finally {
      const offset = tracker.committable();
      if (offset !== undefined) await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset }]);
      timer();
    }
  };

  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [def.inputTopic], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 2, eachBatch });
  state = 'running';
  log.info({ inputTopic: def.inputTopic }, 'stage running');

  return {
    stage: def.stage,
    state: () => state,
    stop: async () => {
      if (state === 'stopped') return;
      state = 'stopping';
      await consumer.disconnect();
      await producer.disconnect();
      state = 'stopped';
      log.info('stage stopped');
    },
  };
}

/** Builds a stage's outputs on a pipeline topic: the envelope, keyed by relocation so its records stay in order. */
export function pipelineOutput(topic: string, producedBy: StageName) {
  return (relocationId: string, payload: PipelineRecord['payload']): Output => ({
    topic,
    key: relocationId,
    value: { relocationId, producedBy, payload } satisfies PipelineRecord,
  });
}
