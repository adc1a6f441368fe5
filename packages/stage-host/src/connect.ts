import { RecordCodec, type Topics, topicsFor } from '@relocate/codec';
import type { Config } from '@relocate/config';
import { createPool, migrate, type Pool } from '@relocate/database';
import { createLogger, type Logger, logProcessWarnings } from '@relocate/logging';
import { createKafka, ensureTopology, withRetry } from '@relocate/stage-runtime';
import type { Kafka } from 'kafkajs';

/** Everything a stage or the CLI needs to talk to the stack, connected and with topics and schemas in place. */
export interface Connections { config: Config; log: Logger; pool: Pool; kafka: Kafka; codec: RecordCodec; topics: Topics }

/** How long a starting process waits for a dependency that does not answer. */
const startupWaitMs = 120_000;

export async function connect(config: Config, log: Logger = createLogger('relocate', config.logLevel)): Promise<Connections> {
  logProcessWarnings(log);
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

export async function disconnect(c: Connections): Promise<void> {
  await c.pool.end();
}
