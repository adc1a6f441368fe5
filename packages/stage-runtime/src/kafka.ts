import { CompressionTypes, Kafka, logLevel, type LogEntry, type Producer, type SASLOptions } from 'kafkajs';
import type { Config, KafkaCompression, KafkaSasl } from '@relocate/config';
import type { Logger } from '@relocate/logging';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

// Also a group rebalancing: kafkajs logs the broker's answer as an error, then rejoins, as it should.
const transient = /coordinator is loading|coordinator is not available|leadership election|There is no leader|group is rebalancing/i;

export type KafkaSettings = Pick<Config, 'kafkaBrokers' | 'kafkaClientId' | 'kafkaSasl' | 'kafkaTls'>;

/**
 * The one kafkajs client factory, with the configured SASL and TLS, whose logs go through pino.
 * Coordinator-loading errors at broker start and rebalances are retried by kafkajs, and logged at debug level.
 */
export function createKafka(settings: KafkaSettings, log: Logger): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const kafkaLog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: settings.kafkaClientId,
    brokers: settings.kafkaBrokers,
    ...(settings.kafkaSasl ? { sasl: saslOptions(settings.kafkaSasl) } : {}),
    ...(settings.kafkaTls ? { ssl: settings.kafkaTls.ca === undefined ? true : { ca: [settings.kafkaTls.ca] } } : {}),
    logLevel: logLevel.WARN,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      // A broker that just started answers "coordinator loading" for a second or two; kafkajs retries it.
      const level = transient.test(String(extra.error ?? message)) ? 'debug' : (levels[entry.level] ?? 'info');
      kafkaLog[level]({ namespace: entry.namespace, ...extra }, message);
    },
  });
}

function saslOptions({ mechanism, username, password }: KafkaSasl): SASLOptions {
  switch (mechanism) {
    case 'plain': return { mechanism, username, password };
    case 'scram-sha-256': return { mechanism, username, password };
    case 'scram-sha-512': return { mechanism, username, password };
  }
}

/**
 * The one producer configuration: idempotent (no duplicates from its own retries) and retrying without
 * limit, so a broker outage pauses the stage instead of failing records.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 } });
}

/** kafkajs's codec for a configured compression. */
export function compressionOf(c: KafkaCompression | undefined): CompressionTypes {
  return c === 'none' ? CompressionTypes.None : CompressionTypes.GZIP;
}
