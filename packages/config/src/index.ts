import { z } from 'zod';
import { databaseSsl, type DatabaseSsl, kafkaSasl, type KafkaSasl, kafkaTls, type KafkaTls, saslMechanisms } from './security.ts';

export { type DatabaseSsl, type KafkaSasl, type KafkaTls, withoutSslParams } from './security.ts';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Every setting of every process, read from the environment in this one place.
 * The same variables configure the services, the CLI and the tests.
 */
const schema = z.object({
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().min(1).default('relocate'),
  KAFKA_SASL_MECHANISM: z.enum(saslMechanisms).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_TLS: flag.optional(),
  KAFKA_TLS_CA_FILE: z.string().min(1).optional(),
  SCHEMA_REGISTRY_URL: z.string().url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/relocate'),
  DATABASE_SSL_MODE: z.string().min(1).optional(),
  DATABASE_SSL_CA_FILE: z.string().min(1).optional(),
  RELOCATE_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, 'only letters, digits, ".", "_" and "-" are valid in Kafka topic names')
    .default('relocate'),
  RELOCATE_PARTITIONS: z.coerce.number().int().min(1).max(256).default(4),
  RELOCATE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  RELOCATE_MAX_RETRIES: z.coerce.number().int().min(0).max(100).default(5),
  RELOCATE_RETRY_BASE_MS: z.coerce.number().int().min(1).default(200),
  RELOCATE_BATCH_RECORDS: z.coerce.number().int().min(1).max(100_000).default(5_000),
  RELOCATE_BATCH_BYTES: z.coerce.number().int().min(1024).max(900_000).default(500_000),
  RELOCATE_CHUNK_BYTES: z.coerce.number().int().min(1024).max(900_000).default(256 * 1024),
  RELOCATE_SENTRY_URL_PREFIX: z.string().url().default('http://127.0.0.1:9000'),
  RELOCATE_DLQ_MAX_INVALID_RATIO: z.union([z.literal('none'), z.coerce.number().min(0)]).default(0.5),
  RELOCATE_DLQ_MAX_CONSECUTIVE: z.union([z.literal('none'), z.coerce.number().int().min(0)]).default(20),
  RELOCATE_COMMIT_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  RELOCATE_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  RELOCATE_PARTITION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  RELOCATE_KAFKA_COMPRESSION: z.enum(['gzip', 'none']).default('gzip'),
  RELOCATE_STALL_NOTICE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  RELOCATE_FINDINGS_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  RELOCATE_LOG_FILE: z.string().min(1).optional(),
});

/** How the stages' outputs and a submitted export are compressed on Kafka. */
export type KafkaCompression = 'gzip' | 'none';

export interface Config {
  kafkaBrokers: string[];
  kafkaClientId: string;
  /** null: no SASL. */
  kafkaSasl: KafkaSasl | null;
  /** null: plaintext. */
  kafkaTls: KafkaTls | null;
  schemaRegistryUrl: string;
  databaseUrl: string;
  databaseSsl: DatabaseSsl;
  topicPrefix: string;
  partitions: number;
  /** 0 picks a free port; the bound port is logged. */
  metricsPort: number;
  maxRetries: number;
  retryBaseMs: number;
  /** Export records (or events) per batch, at most. */
  batchRecords: number;
  /**
   * UTF-8 bytes of fields (or events) per batch, at most, unless one record alone is larger. A batch is one Kafka
   * message, and each is one transaction downstream: large batches spread the per-transaction cost (commit,
   * round trips, the produce acknowledgement) over many rows, and stay under the broker's 1 MiB message size.
   */
  batchBytes: number;
  /** Bytes per ExportChunk; well under the broker's 1 MB default message size. */
  chunkBytes: number;
  /** The DLQ limit, as arroyo's DlqLimit: past it a stage halts instead of dead-lettering; null for none. */
  dlqMaxInvalidRatio: number | null;
  dlqMaxConsecutive: number | null;
  /** Stages commit idle partitions again this often; `relocate lag` calls a partition STOP after 3 intervals of silence. */
  commitIntervalMs: number;
  /** A consumer that stops heartbeating leaves its group after this long. */
  sessionTimeoutMs: number;
  /** Partitions one stage instance processes at once: a slow relocation holds up only its own partition. */
  partitionConcurrency: number;
  /** gzip saves disk and network, none saves CPU on every hop. */
  kafkaCompression: KafkaCompression;
  /** After this long without progress, `relocate import` says in words why. */
  stallNoticeMs: number;
  /** Where `relocate import` writes each relocation's findings; default: <tmpdir>/relocate-findings. */
  findingsDir: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** LOG_LEVEL was set: a command at a terminal then logs JSON on stderr, as with --verbose. */
  logLevelFromEnv: boolean;
  /** Where a command at a terminal writes its JSON log; default: .run/logs/relocate-<relocation-id or command>.log. */
  logFile: string | undefined;
  /** Sentry's system.url-prefix of the target installation; regenerated org auth tokens embed it. */
  sentryUrlPrefix: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration in environment: ${problems}`);
  }
  const e = parsed.data;
  const sasl = kafkaSasl(e);
  const tls = kafkaTls(e);
  const ssl = databaseSsl(e);
  const problems = [...sasl.problems, ...tls.problems, ...ssl.problems];
  if (problems.length > 0) throw new ConfigError(`invalid configuration in environment: ${problems.join('; ')}`);
  return {
    kafkaBrokers: e.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean),
    kafkaClientId: e.KAFKA_CLIENT_ID,
    kafkaSasl: sasl.value ?? null,
    kafkaTls: tls.value ?? null,
    databaseSsl: ssl.value as DatabaseSsl,
    schemaRegistryUrl: e.SCHEMA_REGISTRY_URL,
    databaseUrl: e.DATABASE_URL,
    topicPrefix: e.RELOCATE_TOPIC_PREFIX,
    partitions: e.RELOCATE_PARTITIONS,
    metricsPort: e.RELOCATE_METRICS_PORT,
    maxRetries: e.RELOCATE_MAX_RETRIES,
    retryBaseMs: e.RELOCATE_RETRY_BASE_MS,
    batchRecords: e.RELOCATE_BATCH_RECORDS,
    batchBytes: e.RELOCATE_BATCH_BYTES,
    chunkBytes: e.RELOCATE_CHUNK_BYTES,
    dlqMaxInvalidRatio: e.RELOCATE_DLQ_MAX_INVALID_RATIO === 'none' ? null : e.RELOCATE_DLQ_MAX_INVALID_RATIO,
    dlqMaxConsecutive: e.RELOCATE_DLQ_MAX_CONSECUTIVE === 'none' ? null : e.RELOCATE_DLQ_MAX_CONSECUTIVE,
    commitIntervalMs: e.RELOCATE_COMMIT_INTERVAL_MS,
    sessionTimeoutMs: e.RELOCATE_SESSION_TIMEOUT_MS,
    partitionConcurrency: e.RELOCATE_PARTITION_CONCURRENCY,
    kafkaCompression: e.RELOCATE_KAFKA_COMPRESSION,
    stallNoticeMs: e.RELOCATE_STALL_NOTICE_MS,
    findingsDir: e.RELOCATE_FINDINGS_DIR,
    logLevel: e.LOG_LEVEL ?? 'info',
    logLevelFromEnv: e.LOG_LEVEL !== undefined,
    logFile: e.RELOCATE_LOG_FILE,
    sentryUrlPrefix: e.RELOCATE_SENTRY_URL_PREFIX,
    ...overrides,
  };
}
