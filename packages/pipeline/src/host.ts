import { RecordCodec, type StageName, type Topics, topicsFor } from '@relocate/codec';
import type { Config } from '@relocate/config';
import { createPool, migrate, type Pool } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { createLogger, type Logger } from '@relocate/logging';
import { startProjector } from '@relocate/operations';
import { createKafka, ensureTopology, type RunningStage, type StageDefinition, startMonitoringServer, startStage, withRetry } from '@relocate/stage-runtime';
import { eventSaverStage } from '@relocate/event-saver';
import { readerStage } from '@relocate/reader';
import { reservationStage } from '@relocate/reservation';
import { slugResolverStage } from '@relocate/slug-resolver';
import { writerStage } from '@relocate/writer';
import { BatchWriter } from '@relocate/model-writer';
import type { Kafka } from 'kafkajs';

/** Everything a stage or the CLI needs to talk to the stack, connected and with topics and schemas in place. */
export interface Connections { config: Config; log: Logger; pool: Pool; kafka: Kafka; codec: RecordCodec; topics: Topics }

/** How long a starting process waits for a dependency that does not answer. */
const startupWaitMs = 120_000;

export async function connect(config: Config, log: Logger = createLogger('relocate', config.logLevel)): Promise<Connections> {
  const pool = createPool(config, 10);
  const kafka = createKafka(config, log);
  const codec = new RecordCodec(config.schemaRegistryUrl);
  const topics = topicsFor(config.topicPrefix);
  // A process started while PostgreSQL, Kafka or the registry is away (restarting, say) waits for it a while
  // rather than exiting; anything else, or a longer outage, fails the start.
  const deadline = Date.now() + startupWaitMs;
  await withRetry(
    async () => {
      await migrate(pool);
      await ensureTopology(kafka, codec, topics, config.partitions);
    },
    { maxRetries: 0, baseMs: 500, giveUp: () => Date.now() > deadline },
    (err) => log.warn({ err }, 'a dependency does not answer yet; waiting for it'),
  );
  return { config, log, pool, kafka, codec, topics };
}

/** The domain step of each stage, bound to its dependencies. */
export function stageDefinition(stage: StageName, c: Connections, graph: ModelGraph): StageDefinition<never> {
  const modelWriter = new BatchWriter(graph, { urlPrefix: c.config.sentryUrlPrefix });
  const defs = {
    reader: () => readerStage({ pool: c.pool, topics: c.topics, batchRecords: c.config.batchRecords, batchBytes: c.config.batchBytes }),
    writer: () => writerStage({ pool: c.pool, topics: c.topics, graph, writer: modelWriter }),
    'slug-resolver': () => slugResolverStage({ pool: c.pool, topics: c.topics }),
    reservation: () => reservationStage({ pool: c.pool, topics: c.topics, writer: modelWriter }),
    'event-saver': () => eventSaverStage({ pool: c.pool, topics: c.topics, graph }),
  } satisfies Record<StageName, () => StageDefinition<never>>;
  return defs[stage]();
}

export interface HostedStages { stages: RunningStage[]; metricsPort: number; stop(): Promise<void> }

/** Runs the named stages in this process, with one /metrics and /healthz endpoint for all of them. */
export async function hostStages(c: Connections, names: StageName[]): Promise<HostedStages> {
  const graph = ModelGraph.load();
  const deps = {
    kafka: c.kafka, codec: c.codec, pool: c.pool, topics: c.topics, topicPrefix: c.config.topicPrefix,
    retry: { maxRetries: c.config.maxRetries, baseMs: c.config.retryBaseMs },
    dlqLimit: { maxInvalidRatio: c.config.dlqMaxInvalidRatio, maxConsecutiveCount: c.config.dlqMaxConsecutive },
    commitIntervalMs: c.config.commitIntervalMs,
    sessionTimeoutMs: c.config.sessionTimeoutMs,
    partitionConcurrency: c.config.partitionConcurrency,
    log: c.log,
  };
  const stages: RunningStage[] = [];
  for (const name of names) stages.push(await startStage(stageDefinition(name, c, graph), deps));
  // Every process that hosts stages also keeps the relocation record projected (one group, so once).
  const projector = await startProjector(c);
  const monitoring = await startMonitoringServer(c.config.metricsPort, () => ({
    healthy: stages.every((s) => s.state() === 'running'),
    stages: Object.fromEntries(stages.map((s) => [s.stage, s.state()])),
    ...(stages.some((s) => s.haltReason()) ? { halted: Object.fromEntries(stages.filter((s) => s.haltReason()).map((s) => [s.stage, s.haltReason()])) } : {}),
  }));
  c.log.info({ stages: names, metricsPort: monitoring.port }, 'stages hosted');
  return {
    stages,
    metricsPort: monitoring.port,
    stop: async () => {
      await Promise.all(stages.map((s) => s.stop()));
      await projector.stop();
      await new Promise<void>((r) => monitoring.server.close(() => r()));
    },
  };
}

export async function disconnect(c: Connections): Promise<void> {
  await c.pool.end();
}

/** SIGTERM or SIGINT: finish the batch in hand, commit, disconnect, exit. A second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) process.exit(130);
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
