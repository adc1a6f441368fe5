// Native local stack (no Docker): Kafka 3.9 or 4.x KRaft + Apicurio Registry (Confluent-compatible API)
// run as detached Java processes from Maven Central artifacts, plus the machine's PostgreSQL.
import { stackConfig } from './config.ts';
import { StackError } from './errors.ts';
import { defaultJava } from './java.ts';
import {
  kafkaBrokers,
  kafkaPid,
  prepareKafka,
  readKafkaInfo,
  startKafka,
  stopKafka,
} from './kafka.ts';
import { withStackLock } from './lock.ts';
import { paths } from './paths.ts';
import { DEFAULT_DATABASE_URL, dropDatabase, ensureDatabase, ensurePostgres, postgresVersion } from './postgres.ts';
import { portAnswers, type Log } from './process.ts';
import {
  prepareRegistry,
  readRegistryInfo,
  registryAnswers,
  registryDatabaseUrl,
  registryPid,
  registryUrl,
  startRegistry,
  stopRegistry,
} from './registry.ts';

export { ensureDatabase };
export { StackError, StackConfigError, PortInUseError, PartStartError, CommandError } from './errors.ts';

export interface StackEndpoints {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  databaseUrl: string;
}
export interface PartStatus {
  name: 'kafka' | 'schema-registry' | 'postgresql';
  up: boolean;
  detail: string;
  pid?: number;
}
export interface StackOptions {
  /** Progress lines; default: written to stderr. */
  log?: (line: string) => void;
}

export const defaultEndpoints: StackEndpoints = {
  kafkaBrokers: ['127.0.0.1:9092'],
  schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
  databaseUrl: DEFAULT_DATABASE_URL,
};

function logger(opts: StackOptions | undefined): Log {
  return opts?.log ?? ((line: string) => process.stderr.write(`[stack] ${line}\n`));
}

function endpoints(): StackEndpoints {
  return { kafkaBrokers: kafkaBrokers(), schemaRegistryUrl: registryUrl(), databaseUrl: DEFAULT_DATABASE_URL };
}

/** Start whatever is not running and wait until every part is ready. A no-op when all are up. */
export function stackUp(opts?: StackOptions): Promise<StackEndpoints> {
  const log = logger(opts);
  stackConfig(); // validate port overrides before doing anything
  return withStackLock(log, async () => {
    const pgVersion = await ensurePostgres(log);
    await ensureDatabase(DEFAULT_DATABASE_URL);

    // The registry keeps its schemas in a database of its own, so schema ids in Kafka records survive its restarts.
    await ensureDatabase(registryDatabaseUrl());

    // Downloads one after the other (two concurrent Maven runs may race on ~/.m2), then start both.
    const kafkaPrep = await prepareKafka(log);
    const registryPrep = await prepareRegistry(log);
    const results = await Promise.allSettled([startKafka(kafkaPrep, log), startRegistry(registryPrep, log)]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length === 1) throw failures[0]?.reason;
    if (failures.length > 1) {
      const messages = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
      throw new StackError(messages.join('\n\n'));
    }
    log(`postgresql: ${pgVersion} at ${DEFAULT_DATABASE_URL}`);
    return endpoints();
  });
}

/**
 * Stop Kafka and the registry (never PostgreSQL), wait for both to exit, and remove Kafka's data directory and
 * the registry's database: the next `stackUp` starts clean.
 */
export function stackDown(opts?: StackOptions): Promise<void> {
  const log = logger(opts);
  return withStackLock(log, async () => {
    const results = await Promise.allSettled([stopKafka(log), stopRegistry(log)]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures[0]) throw failures[0].reason;
    await dropDatabase(registryDatabaseUrl());
    log('stack: kafka and schema-registry stopped, their data removed (postgresql left running)');
  });
}

/**
 * Stop one part and keep its data (Kafka's logs, the registry's database), as an outage would; `stackUp` brings
 * it back as it was. For fault tests and drills.
 */
export function stackStopPart(part: 'kafka' | 'schema-registry', opts?: StackOptions): Promise<void> {
  const log = logger(opts);
  return withStackLock(log, () => (part === 'kafka' ? stopKafka(log, true) : stopRegistry(log)));
}

/** Status of each part, with versions, addresses and the Java used. */
export async function stackStatus(): Promise<PartStatus[]> {
  const { host, kafkaPort, controllerPort, registryPort, kafkaVersion } = stackConfig();

  const kafka = async (): Promise<PartStatus> => {
    const pid = kafkaPid();
    const up = await portAnswers(kafkaPort, host);
    const info = readKafkaInfo();
    const java = info?.javaMajor ?? (await defaultJava(11).then((j) => j.major, () => '?'));
    const where = `${host}:${kafkaPort} (controller ${controllerPort})`;
    let detail: string;
    if (pid !== undefined) detail = `Kafka ${info?.version ?? kafkaVersion} (KRaft) on Java ${java}, ${where}${up ? '' : ', port not answering'}`;
    else if (up) detail = `port ${kafkaPort} answers, but not started by this stack`;
    else detail = `stopped (would run Kafka ${kafkaVersion} on ${where})`;
    return { name: 'kafka', up, detail, ...(pid !== undefined ? { pid } : {}) };
  };

  const registry = async (): Promise<PartStatus> => {
    const pid = registryPid();
    const url = registryUrl();
    const up = await registryAnswers(url);
    const info = readRegistryInfo();
    let detail: string;
    if (pid !== undefined && info) {
      detail = `Apicurio Registry ${info.version} on Java ${info.javaMajor}, ${url}, stored in ${new URL(registryDatabaseUrl()).pathname.slice(1)}${up ? '' : ', not answering'}`;
    } else if (up) detail = `${url} answers, but not started by this stack`;
    else {
      const portUsed = await portAnswers(registryPort, host);
      detail = portUsed ? `port ${registryPort} is used by something else` : `stopped (${url})`;
    }
    return { name: 'schema-registry', up, detail, ...(pid !== undefined ? { pid } : {}) };
  };

  const postgres = async (): Promise<PartStatus> => {
    const version = await postgresVersion(DEFAULT_DATABASE_URL);
    const url = new URL(DEFAULT_DATABASE_URL);
    return {
      name: 'postgresql',
      up: version !== undefined,
      detail: version ? `PostgreSQL ${version} at ${url.host} (machine server), database ${url.pathname.slice(1)}` : `not answering at ${url.host}`,
    };
  };

  return Promise.all([kafka(), registry(), postgres()]);
}

/** Where the stack's and the CLI's logs go (git-ignored). */
export const logsDir: string = paths.logs;
