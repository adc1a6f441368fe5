import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { consumerGroupOf, type PipelineRecord, type RecordCodec, type RelocationEvent, type StageName, type Topics } from '@relocate/codec';
import { failWithFinding, recordFindings, type Pool } from '@relocate/database';
import type { KafkaCompression } from '@relocate/config';
import type { Logger } from '@relocate/logging';
import { CommitLedger } from './commit-ledger.ts';
import { dispositionOf, dispositionsOf, parkRelocation } from './control.ts';
import { type DlqLimit, DlqLimitExceededError, DlqLimitState } from './dlq-limit.ts';
import { compressionOf, createProducer } from './kafka.ts';
import { metrics } from './metrics.ts';
import { PartitionOffsets } from './offsets.ts';
import { BatchProgress } from './progress.ts';
import { isRetriable, UpstreamPending, withRetry, type RetryPolicy } from './retry.ts';
import { commitStep } from './steps/commit.ts';
import { DeadLetterStep } from './steps/dead-letter.ts';
import { decodeStep } from './steps/decode.ts';
import { BatchDispositions, PausedPartitions } from './steps/disposition.ts';
import { groupMembership, heartbeatIntervalFor, keepingAlive } from './steps/liveness.ts';
import { processStep, ReadAgainError, type StageContext, type StageMessage } from './steps/process.ts';
import { type Output, produceStep } from './steps/produce.ts';
import { ConsumerSupervisor, type SupervisedState } from './steps/supervisor.ts';

export { ReadAgainError, type StageContext, type StageMessage } from './steps/process.ts';
export type { Output } from './steps/produce.ts';

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
  /** Compression of everything the stage produces; gzip when not given. */
  compression?: KafkaCompression;
  /** Told when this consumer halts, so the other consumers of the stage in the process halt with it. */
  onHalt?: (reason: string) => void;
  log: Logger;
}

/**
 * crashed: the consumer failed and is being rebuilt (a passing state); halted: the DLQ limit was exceeded, the stage
 * left its group and waits for an operator.
 */
export type StageState = SupervisedState;

// How often a paused partition asks whether its relocation was resumed or cancelled.
const pausePollMs = 500;
// Backoff of a consumer rebuilt after a crash.
const restartBaseMs = 1_000;
const restartMaxMs = 30_000;

export interface RunningStage {
  stage: StageName;
  state(): StageState;
  /** Times the consumer crashed and was rebuilt, and what the last crash said. */
  restarts(): number;
  lastCrash(): string | undefined;
  /** Why the stage halted, when it did. */
  haltReason(): string | undefined;
  /** Leave the group and wait for an operator (another consumer of the stage hit the DLQ limit). */
  halt(reason: string): void;
  /** Take no further record: the batch in hand finishes and commits. Resolves once it has. */
  quiesce(): Promise<void>;
  /** Finish the record in hand, commit, leave the group and disconnect. */
  stop(): Promise<void>;
}

/**
 * Runs a stage as a chain of steps, as arroyo does: for each fetched batch, beside a liveness timer,
 *   disposition (the relocation record says process, pause, skip or park) ->
 *   decode -> process with retry -> produce -> (on failure) dead-letter -> commit.
 * The offset of a record is committed only after its database work is committed and its output is acknowledged;
 * a record that keeps failing goes to the DLQ and the stage keeps going, up to its DLQ limit, past which it halts.
 * A crashed consumer is rebuilt and rejoins its group.
 */
export async function startStage<T>(def: StageDefinition<T>, deps: StageDeps): Promise<RunningStage> {
  const log = deps.log.child({ stage: def.stage });
  const labels = { stage: def.stage };
  const groupId = consumerGroupOf(deps.topicPrefix, def.stage);
  const producer = createProducer(deps.kafka);
  const offsets = new Map<number, PartitionOffsets>();
  const dlqLimit = new DlqLimitState(deps.dlqLimit);
  const paused = new PausedPartitions();
  // Shared by all batches: a handler may produce a relocation's records while a later batch is in hand.
  const progress = new BatchProgress(def.stage);
  let haltReason: string | undefined;
  // Set by quiesce(): no further record is taken, and the batch in hand (if any) commits what it did.
  let quiescing = false;
  let inHand: Promise<void> = Promise.resolve();

  const supervisor: ConsumerSupervisor<Consumer> = new ConsumerSupervisor({
    build: () => buildConsumer(),
    start: async (consumer) => {
      await consumer.connect();
      await consumer.subscribe({ topics: [def.inputTopic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch });
    },
    baseMs: restartBaseMs,
    maxMs: restartMaxMs,
    onRestart: (err, attempt, delayMs) => {
      metrics.stageRestarts.inc(labels);
      log.warn({ err, attempt, delayMs }, 'consumer crashed; rebuilding it and joining the group again');
    },
  });
  const state = (): StageState => supervisor.state;
  const ledger = new CommitLedger((c) => supervisor.active.commitOffsets([c]));

  // An outage (or an upstream stage) is waited out record by record, until the stage is asked to stop: then the
  // record stays uncommitted. A quiesced stage is stopping: its upstream may already have stopped.
  const leaving = (): boolean => quiescing || state() === 'stopping';
  const recordRetry: RetryPolicy = { ...deps.retry, giveUp: leaving };
  const onRetry = (err: unknown, attempt: number, delayMs: number): void => {
    // Waiting for an upstream stage is the pipeline working, not a failure: no retry counted, nothing to warn of.
    if (err instanceof UpstreamPending) return log.debug({ reason: err.message, attempt }, 'waiting for an upstream stage');
    metrics.retries.inc(labels);
    log.warn({ err, attempt, delayMs: Math.round(delayMs) }, 'retrying record');
  };
  const forever = { maxRetries: Number.MAX_SAFE_INTEGER, baseMs: deps.retry.baseMs };

  // The steps, in the order a record meets them.
  const readDispositions = (ids: string[]) => withRetry(() => dispositionsOf(deps.pool, ids, def.stage), recordRetry, () => undefined);
  const decode = decodeStep<T>(deps.codec, recordRetry, onRetry);
  const produce = produceStep(deps.codec, (topicMessages) => producer.sendBatch({ acks: -1, compression: compressionOf(deps.compression), topicMessages }));
  const processRecord = processStep<T>((m, ctx) => def.process(m, ctx), produce, recordRetry, onRetry);
  const deadLetter = new DeadLetterStep({
    stage: def.stage,
    send: async (message, headers) => void (await producer.send({ topic: deps.topics.dlq[def.stage], acks: -1, messages: [{ key: message.key, value: message.value, headers }] })),
    recordFailure: async (finding, relocationId, park) => {
      if (!relocationId) return recordFindings(deps.pool, [finding]);
      if (park) await parkRelocation(deps.pool, relocationId, def.stage, finding.reason);
      await failWithFinding(deps.pool, finding);
    },
    dlqLimit,
    retryBaseMs: deps.retry.baseMs,
    log,
  });
  const report = (events: RelocationEvent[]) => events.length === 0 ? Promise.resolve() : withRetry(
    () => produce(events.map((value) => ({ topic: deps.topics.relocations, key: value.relocationId, value }))),
    forever,
    (e, attempt) => log.warn({ err: e, attempt }, 'reporting progress failed; retrying'),
  );
  const commit = commitStep(report, (topic, partition, offset) => ledger.commit(topic, partition, offset));

  /** One record through decode, process and produce; a failure goes to the dead-letter step. False when it did. */
  const handleOne = async (topic: string, partition: number, message: KafkaMessage, key: string, tracker: PartitionOffsets): Promise<boolean> => {
    const ctx: StageContext = {
      produce: async (outputs) => {
        await produce(outputs);
        if (key) progress.produced(key, outputs.length);
      },
      hold: () => tracker.hold(key, message.offset),
      release: () => tracker.release(key),
      log,
    };
    let ended = false;
    let ok = true;
    try {
      const value = await decode(topic, partition, message);
      const result = await processRecord({ key, value, topic, partition, offset: message.offset, headers: message.headers ?? {} }, ctx);
      if (key) progress.produced(key, result.produced);
      ended = result.ended;
      dlqLimit.valid(topic, partition);
      metrics.recordsProcessed.inc({ ...labels, outcome: 'ok' });
    } catch (err) {
      if (err instanceof ReadAgainError) throw err;
      if (isRetriable(err) && leaving()) throw err; // leave it uncommitted for the next owner
      ok = false;
      const reason = await deadLetter.failed(topic, partition, message, key, err);
      if (key) progress.failed(key, reason);
      metrics.dlqRecords.inc(labels);
      metrics.recordsProcessed.inc({ ...labels, outcome: 'dlq' });
    }
    if (key) {
      progress.record(key, partition, message.offset);
      if (ended) progress.done(key);
    }
    return ok;
  };

  /** The handler's memory of this partition is gone with a failure: read it again from the oldest hold. */
  const readAgain = async (topic: string, partition: number, tracker: PartitionOffsets, offset: string, err: ReadAgainError): Promise<void> => {
    const from = tracker.rewind(offset);
    def.onRewind?.(partition);
    metrics.rereads.inc(labels);
    log.warn({ err: err.cause, partition, from, delayMs: err.delayMs }, 'reading the partition again from its oldest held record');
    await new Promise((r) => setTimeout(r, err.delayMs));
    supervisor.active.seek({ topic, partition, offset: from });
  };

  const halt = (reason: string): void => {
    if (haltReason !== undefined || state() === 'stopping' || state() === 'stopped') return;
    haltReason = reason;
    metrics.stageHalted.set(labels, 1);
    log.error({ reason }, 'stage halted: too many records failed; fix the cause, then restart the stage');
    // Leaving the group hands nothing on: the failing record stays uncommitted for after the fix.
    supervisor.halt((c) => c.stop()).catch((e: unknown) => log.error({ err: e }, 'stopping the halted consumer failed'));
    deps.onHalt?.(reason);
  };

  const observeLag = (topic: string, partition: number, highWatermark: string, next: KafkaMessage | undefined, nextOffset: bigint): void => {
    const l = { group: groupId, topic, partition: String(partition) };
    const lag = BigInt(highWatermark) - nextOffset;
    metrics.groupOffset.set(l, Number(nextOffset));
    metrics.groupLag.set(l, Number(lag > 0n ? lag : 0n));
    metrics.groupLagSeconds.set(l, lag > 0n && next ? Math.max(0, (Date.now() - Number(next.timestamp)) / 1000) : 0);
    metrics.latestOffset.set({ topic, partition: String(partition) }, Number(highWatermark));
  };

  const eachBatch = (payload: EachBatchPayload): Promise<void> => {
    const run = keepingAlive(
      payload.heartbeat, heartbeatIntervalFor(deps.sessionTimeoutMs), () => runBatch(payload),
      (err) => log.debug({ err }, 'a heartbeat beside a long batch failed'),
    );
    inHand = run.catch(() => undefined);
    return run;
  };

  const runBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> => {
    const { topic, partition } = batch;
    const timer = metrics.batchLatency.startTimer(labels);
    let tracker = offsets.get(partition);
    if (!tracker) offsets.set(partition, (tracker = new PartitionOffsets()));
    let limitExceeded: DlqLimitExceededError | undefined;
    const keyOf = (m: KafkaMessage) => m.key?.toString('utf8') ?? '';
    const dispositions = await BatchDispositions.of(batch.messages.map(keyOf), readDispositions);
    try {
      for (const [i, message] of batch.messages.entries()) {
        if (quiescing || !isRunning() || isStale() || state() === 'halted') break;
        const key = keyOf(message);
        const disposition = await dispositions.for(key);
        if (disposition === 'pause') {
          const before = paused.size;
          paused.hold({ topic, partition, relocationId: key, offset: message.offset, resume: pause() });
          metrics.pausedPartitions.inc(labels, paused.size - before);
          log.info({ relocationId: key, partition, offset: message.offset }, 'relocation paused; holding its partition');
          break;
        }
        if (disposition === 'skip') {
          metrics.recordsProcessed.inc({ ...labels, outcome: 'skipped' });
        } else if (disposition === 'park') {
          await deadLetter.park(topic, partition, message, key);
          metrics.recordsProcessed.inc({ ...labels, outcome: 'parked' });
          progress.record(key, partition, message.offset);
        } else {
          try {
            if (!(await handleOne(topic, partition, message, key, tracker))) dispositions.forget(key);
          } catch (err) {
            if (err instanceof DlqLimitExceededError) {
              limitExceeded = err;
              break;
            }
            if (err instanceof ReadAgainError) {
              await readAgain(topic, partition, tracker, message.offset, err);
              break;
            }
            // Given up because the stage is leaving: the record stays uncommitted, what came before commits.
            if (leaving() && isRetriable(err)) break;
            throw err;
          }
        }
        tracker.processed(message.offset);
        resolveOffset(message.offset);
        observeLag(topic, partition, batch.highWatermark, batch.messages[i + 1], BigInt(message.offset) + 1n);
        await heartbeat();
      }
    } finally {
      await commit(topic, partition, tracker, progress);
      timer();
      // Halts once what came before the failing record is committed.
      if (limitExceeded) halt(limitExceeded.message);
    }
  };

  function buildConsumer(): Consumer {
    const consumer = deps.kafka.consumer({
      groupId,
      ...groupMembership(deps.sessionTimeoutMs),
      retry: { retries: 10 },
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      offsets.clear();
      ledger.clear();
      dlqLimit.reset();
      metrics.pausedPartitions.dec(labels, paused.size);
      paused.releaseAll();
      def.onRebalance?.();
      supervisor.joined(consumer);
    });
    consumer.on(consumer.events.CRASH, (e) => {
      log.error({ err: e.payload.error }, 'consumer crashed');
      // Its partitions go to whoever joins next, this stage's rebuilt consumer included: its memory is stale.
      offsets.clear();
      ledger.clear();
      def.onRebalance?.();
      supervisor.crashed(consumer, e.payload.error);
    });
    return consumer;
  }

  // Every so often: commit idle partitions again (a sign of life) and let go of partitions whose relocation resumed.
  const housekeeping = setInterval(() => {
    if (state() !== 'running') return;
    void ledger.refresh(deps.commitIntervalMs, (err) => log.debug({ err }, 'refreshing a commit failed'));
    paused.poll(
      (id) => dispositionOf(deps.pool, id, def.stage),
      (h) => supervisor.active.seek({ topic: h.topic, partition: h.partition, offset: h.offset }),
      (h) => {
        metrics.pausedPartitions.dec(labels, 1);
        log.info({ relocationId: h.relocationId, partition: h.partition }, 'relocation no longer paused; taking its partition up again');
      },
    ).catch((err: unknown) => log.warn({ err }, 'taking up a paused relocation failed; trying again'));
  }, Math.min(pausePollMs, deps.commitIntervalMs));
  housekeeping.unref();

  await producer.connect();
  await supervisor.start();
  metrics.stageHalted.set(labels, 0);
  log.info({ inputTopic: def.inputTopic }, 'stage running');

  return {
    stage: def.stage,
    state,
    restarts: () => supervisor.restartCount,
    lastCrash: () => supervisor.lastCrash,
    haltReason: () => haltReason,
    halt,
    quiesce: async () => {
      quiescing = true;
      await inHand;
    },
    stop: async () => {
      if (state() === 'stopped') return;
      clearInterval(housekeeping);
      await supervisor.stop();
      await producer.disconnect();
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
