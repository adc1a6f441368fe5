import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import { consumerGroupOf, type PipelineRecord, UndecodableRecordError, type RecordCodec, type RelocationEvent, type StageName, type Topics } from '@relocate/codec';
import { failRelocation, recordFindings, type Pool } from '@relocate/database';
import { BadInputError, describeFinding } from '@relocate/domain';
import type { Logger } from '@relocate/logging';
import { CommitLedger } from './commit-ledger.ts';
import { type Disposition, dispositionOf, dispositionsOf, parkRelocation } from './control.ts';
import { countsTowardDlqLimit, deadLetterFinding, deadLetterHeaders, parkedHeaders, undecodable } from './dead-letter.ts';
import { type DlqLimit, DlqLimitExceededError, DlqLimitState } from './dlq-limit.ts';
import { createProducer } from './kafka.ts';
import { metrics } from './metrics.ts';
import { PartitionOffsets } from './offsets.ts';
import { BatchProgress, isEndMarker } from './progress.ts';
import { isRetriable, withRetry, type RetryPolicy } from './retry.ts';

/**
 * A stateful handler lost its memory of a partition (an error in the middle of a held run of records): the
 * runtime drops the partition's holds, goes back to the oldest held record after a pause, and reads on from there.
 */
export class ReadAgainError extends Error {
  override name = 'ReadAgainError';
  /** Never retried on its own record: the runtime goes back to where the handler's memory began. */
  readonly retriable = false;
  readonly delayMs: number;
  constructor(cause: unknown, delayMs: number) {
    super(`read again from the oldest held record: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.delayMs = delayMs;
  }
}

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
  /** The partition is read again from its oldest held record (see ReadAgainError): drop what memory holds of it. */
  onRewind?(partition: number): void;
}

export interface StageDeps {
  kafka: Kafka;
  codec: RecordCodec;
  pool: Pool;
  topics: Topics;
  topicPrefix: string;
  retry: RetryPolicy;
  dlqLimit: DlqLimit;
  /** Idle partitions are committed again this often, as a sign of life that `relocate lag` reads. */
  commitIntervalMs: number;
  sessionTimeoutMs: number;
  log: Logger;
}

/** halted: the DLQ limit was exceeded; the stage left its group and waits for an operator. */
export type StageState = 'starting' | 'running' | 'crashed' | 'halted' | 'stopping' | 'stopped';

// How often a paused partition asks whether its relocation was resumed or cancelled.
const pausePollMs = 500;

export interface RunningStage {
  stage: StageName;
  state(): StageState;
  /** Why the stage halted, when it did. */
  haltReason(): string | undefined;
  /** Finish the batch in hand, commit, leave the group and disconnect. */
  stop(): Promise<void>;
}

/**
 * Runs a stage as a chain: consume -> decode -> process -> produce -> commit. The offset of a record is
 * committed only after its database work is committed and its output is acknowledged; a record that keeps
 * failing goes to the stage's DLQ with headers naming the error and its origin, and the stage keeps going, up to
 * its DLQ limit, past which it halts. Before each batch the relocation record decides: a cancelled relocation's
 * records are skipped, a paused one holds its partition, and one that failed here is parked in the DLQ behind its
 * failed record. Each batch reports counts per relocation on the relocations topic before it commits.
 */
export async function startStage<T>(def: StageDefinition<T>, deps: StageDeps): Promise<RunningStage> {
  const log = deps.log.child({ stage: def.stage });
  const groupId = consumerGroupOf(deps.topicPrefix, def.stage);
  const consumer: Consumer = deps.kafka.consumer({
    groupId,
    sessionTimeout: deps.sessionTimeoutMs,
    heartbeatInterval: Math.max(500, Math.floor(deps.sessionTimeoutMs / 10)),
    retry: { retries: 10 },
  });
  const producer: Producer = createProducer(deps.kafka);
  let state: StageState = 'starting';
  let haltReason: string | undefined;
  const offsets = new Map<number, PartitionOffsets>();
  const dlqLimit = new DlqLimitState(deps.dlqLimit);
  const ledger = new CommitLedger((c) => consumer.commitOffsets([c]));
  // Partitions held for a paused relocation: where to start again, and how.
  const paused = new Map<string, { topic: string; partition: number; relocationId: string; offset: string; resume: () => void }>();
  // Shared by all batches: a handler may produce a relocation's records while a later batch is in hand.
  const progress = new BatchProgress(def.stage);
  // An outage is waited out record by record, until the stage is asked to stop: then the record stays uncommitted.
  const recordRetry: RetryPolicy = { ...deps.retry, giveUp: () => state === 'stopping' };

  consumer.on(consumer.events.GROUP_JOIN, () => {
    offsets.clear();
    ledger.clear();
    dlqLimit.reset();
    for (const p of paused.values()) p.resume();
    paused.clear();
    metrics.pausedPartitions.set({ stage: def.stage }, 0);
    def.onRebalance?.();
  });
  consumer.on(consumer.events.CRASH, (e) => {
    log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    if (!e.payload.restart && state !== 'halted') state = 'crashed';
  });

  const encodeAll = async (outputs: Output[]) => {
    const byTopic = new Map<string, Array<{ key: string; value: Buffer; headers?: IHeaders }>>();
    for (const o of outputs) {
      const value = await deps.codec.encode(o.topic, o.value);
      const list = byTopic.get(o.topic) ?? [];
      list.push(o.headers ? { key: o.key, value, headers: o.headers } : { key: o.key, value });
      byTopic.set(o.topic, list);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  };

  const produce = async (outputs: Output[]): Promise<void> => {
    if (outputs.length === 0) return;
    await producer.sendBatch({ acks: -1, compression: CompressionTypes.GZIP, topicMessages: await encodeAll(outputs) });
  };

  const report = async (events: RelocationEvent[]): Promise<void> => {
    if (events.length === 0) return;
    await withRetry(
      () => produce(events.map((value) => ({ topic: deps.topics.relocations, key: value.relocationId, value }))),
      { maxRetries: Number.MAX_SAFE_INTEGER, baseMs: deps.retry.baseMs },
      (e, attempt) => log.warn({ err: e, attempt }, 'reporting progress failed; retrying'),
    );
  };

  const sendToDlq = async (message: KafkaMessage, headers: IHeaders, alsoDo: () => Promise<void>): Promise<void> => {
    await withRetry(
      async () => {
        await producer.send({ topic: deps.topics.dlq[def.stage], acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
        await alsoDo();
      },
      { maxRetries: Number.MAX_SAFE_INTEGER, baseMs: deps.retry.baseMs },
      (e, attempt) => log.warn({ err: e, attempt }, 'dead-lettering failed; retrying'),
    );
  };

  const deadLetter = async (topic: string, partition: number, message: KafkaMessage, key: string, err: unknown): Promise<void> => {
    const ctx = { stage: def.stage, topic, partition, message };
    const relocationId = key || '(no relocation key)';
    const finding = deadLetterFinding(relocationId, ctx, err);
    // Throws DlqLimitExceededError before anything is sent: the record stays uncommitted for after the fix.
    if (countsTowardDlqLimit(err)) dlqLimit.invalid(topic, partition);
    log.warn({ relocationId, topic, partition, offset: message.offset, err }, 'record sent to the dead-letter topic');
    const reason = describeFinding(finding);
    await sendToDlq(message, deadLetterHeaders(ctx, err), async () => {
      await recordFindings(deps.pool, [finding]);
      if (key) {
        // Bad input cannot be fixed by a replay: the relocation fails and, when its end passes, is removed. Any
        // other failure parks the relocation here, so a retry after the fix continues where it stopped.
        if (!(err instanceof BadInputError)) await parkRelocation(deps.pool, key, def.stage, reason);
        await failRelocation(deps.pool, key, reason);
      }
    });
    if (key) progress.failed(key, reason);
    metrics.dlqRecords.inc({ stage: def.stage });
    metrics.recordsProcessed.inc({ stage: def.stage, outcome: 'dlq' });
  };

  /** A record of a relocation that failed earlier at this stage: to the DLQ behind it, in order, for a retry. */
  const park = async (topic: string, partition: number, message: KafkaMessage, key: string): Promise<void> => {
    await sendToDlq(message, parkedHeaders({ stage: def.stage, topic, partition, message }, key), async () => undefined);
    metrics.recordsProcessed.inc({ stage: def.stage, outcome: 'parked' });
  };

  /** False when the record went to the DLQ: that may have parked its relocation here. */
  const handleOne = async (topic: string, partition: number, message: KafkaMessage, key: string, tracker: PartitionOffsets): Promise<boolean> => {
    let ended = false;
    let ok = true;
    const ctx: StageContext = {
      produce: async (outputs) => {
        await produce(outputs);
        if (key) progress.produced(key, outputs.length);
      },
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
      const value = await withRetry(() => deps.codec.decode<T>(raw, topic), recordRetry, onRetry).catch((err: unknown) => {
        throw err instanceof UndecodableRecordError ? undecodable(err, topic, partition, message.offset) : err;
      });
      const input: StageMessage<T> = { key, value, topic, partition, offset: message.offset, headers: message.headers ?? {} };
      const outputs = await withRetry(() => def.process(input, ctx), recordRetry, onRetry);
      await withRetry(() => produce(outputs), recordRetry, onRetry);
      if (key) progress.produced(key, outputs.length);
      ended = isEndMarker(value) || outputs.some((o) => isEndMarker(o.value));
      dlqLimit.valid(topic, partition);
      metrics.recordsProcessed.inc({ stage: def.stage, outcome: 'ok' });
    } catch (err) {
      if (err instanceof ReadAgainError) throw err;
      if (isRetriable(err) && state === 'stopping') throw err; // leave it uncommitted for the next owner
      ok = false;
      await deadLetter(topic, partition, message, key, err);
    }
    if (key) {
      progress.record(key, partition, message.offset);
      if (ended) progress.done(key);
    }
    return ok;
  };

  const halt = (err: DlqLimitExceededError): void => {
    if (state === 'halted') return;
    state = 'halted';
    haltReason = err.message;
    metrics.stageHalted.set({ stage: def.stage }, 1);
    log.error({ err }, 'stage halted: too many records failed; fix the cause, then restart the stage');
    // Leaving the group hands nothing on: the failing record stays uncommitted for after the fix.
    setImmediate(() => void consumer.stop().catch((e: unknown) => log.error({ err: e }, 'stopping the halted consumer failed')));
  };

  const observeLag = (topic: string, partition: number, highWatermark: string, next: KafkaMessage | undefined, nextOffset: bigint): void => {
    const labels = { group: groupId, topic, partition: String(partition) };
    const lag = BigInt(highWatermark) - nextOffset;
    metrics.groupOffset.set(labels, Number(nextOffset));
    metrics.groupLag.set(labels, Number(lag > 0n ? lag : 0n));
    metrics.groupLagSeconds.set(labels, lag > 0n && next ? Math.max(0, (Date.now() - Number(next.timestamp)) / 1000) : 0);
    metrics.latestOffset.set({ topic, partition: String(partition) }, Number(highWatermark));
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> => {
    const timer = metrics.batchLatency.startTimer({ stage: def.stage });
    let tracker = offsets.get(batch.partition);
    if (!tracker) offsets.set(batch.partition, (tracker = new PartitionOffsets()));
    let limitExceeded: DlqLimitExceededError | undefined;
    // The relocation record is read once for the batch's relocations; a relocation this stage parks or fails
    // within the batch is read again at its next record.
    const keys = [...new Set(batch.messages.map((m) => m.key?.toString('utf8') ?? '').filter(Boolean))];
    const dispositions: Map<string, Disposition> = keys.length === 0 ? new Map()
      : await withRetry(() => dispositionsOf(deps.pool, keys, def.stage), recordRetry, () => undefined);
    const dispositionFor = async (key: string): Promise<Disposition> => {
      const known = dispositions.get(key);
      if (known) return known;
      const d = await withRetry(() => dispositionOf(deps.pool, key, def.stage), recordRetry, () => undefined);
      dispositions.set(key, d);
      return d;
    };
    try {
      for (const [i, message] of batch.messages.entries()) {
        if (!isRunning() || isStale() || state === 'halted') break;
        const key = message.key?.toString('utf8') ?? '';
        const disposition = key ? await dispositionFor(key) : 'process';
        if (disposition === 'pause') {
          paused.set(`${batch.topic}:${batch.partition}`, { topic: batch.topic, partition: batch.partition, relocationId: key, offset: message.offset, resume: pause() });
          metrics.pausedPartitions.set({ stage: def.stage }, paused.size);
          log.info({ relocationId: key, partition: batch.partition, offset: message.offset }, 'relocation paused; holding its partition');
          break;
        }
        if (disposition === 'skip') {
          metrics.recordsProcessed.inc({ stage: def.stage, outcome: 'skipped' });
        } else if (disposition === 'park') {
          await park(batch.topic, batch.partition, message, key);
          progress.record(key, batch.partition, message.offset);
        } else {
          try {
            if (!(await handleOne(batch.topic, batch.partition, message, key, tracker))) dispositions.delete(key);
          } catch (err) {
            if (err instanceof DlqLimitExceededError) {
              limitExceeded = err;
              break;
            }
            if (err instanceof ReadAgainError) {
              // The handler's memory of this partition is gone with the failure: read it again from the oldest hold.
              const from = tracker.rewind(message.offset);
              def.onRewind?.(batch.partition);
              metrics.rereads.inc({ stage: def.stage });
              log.warn({ err: err.cause, partition: batch.partition, from, delayMs: err.delayMs }, 'reading the partition again from its oldest held record');
              await new Promise((r) => setTimeout(r, err.delayMs));
              consumer.seek({ topic: batch.topic, partition: batch.partition, offset: from });
              break;
            }
            throw err;
          }
        }
        tracker.processed(message.offset);
        resolveOffset(message.offset);
        observeLag(batch.topic, batch.partition, batch.highWatermark, batch.messages[i + 1], BigInt(message.offset) + 1n);
        await heartbeat();
      }
    } finally {
      await report(progress.drain());
      const offset = tracker.committable();
      if (offset !== undefined) await ledger.commit(batch.topic, batch.partition, offset);
      timer();
      // Halts once what came before the failing record is committed.
      if (limitExceeded) halt(limitExceeded);
    }
  };

  // Every so often: commit idle partitions again (a sign of life) and let go of partitions whose relocation resumed.
  const housekeeping = setInterval(() => {
    if (state !== 'running') return;
    void ledger.refresh(deps.commitIntervalMs, (err) => log.debug({ err }, 'refreshing a commit failed'));
    for (const [id, p] of paused) {
      dispositionOf(deps.pool, p.relocationId, def.stage).then((d) => {
        if (d === 'pause' || paused.get(id) !== p) return;
        consumer.seek({ topic: p.topic, partition: p.partition, offset: p.offset });
        p.resume();
        paused.delete(id);
        metrics.pausedPartitions.set({ stage: def.stage }, paused.size);
        log.info({ relocationId: p.relocationId, partition: p.partition }, 'relocation no longer paused; taking its partition up again');
      }).catch((err: unknown) => log.warn({ err }, 'taking up a paused relocation failed; trying again'));
    }
  }, Math.min(pausePollMs, deps.commitIntervalMs));
  housekeeping.unref();

  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [def.inputTopic], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 2, eachBatch });
  state = 'running';
  metrics.stageHalted.set({ stage: def.stage }, 0);
  log.info({ inputTopic: def.inputTopic }, 'stage running');

  return {
    stage: def.stage,
    state: () => state,
    haltReason: () => haltReason,
    stop: async () => {
      if (state === 'stopped') return;
      clearInterval(housekeeping);
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
