import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { stackUp, type StackEndpoints } from '@relocate/native-stack';

export type { StackEndpoints };

const run = promisify(execFile);

async function dockerAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 });
    return true;
  } catch {
    return false; // no client, or a client with no engine behind it (our machines)
  }
}

let resolved: Promise<StackEndpoints> | undefined;

/**
 * The one place that chooses the stack the tests run against: KAFKA_BROKERS, SCHEMA_REGISTRY_URL and
 * DATABASE_URL when all are set; else containers through testcontainers when a Docker engine answers;
 * else the native stack (Kafka and Apicurio from Maven Central, the machine's PostgreSQL).
 */
export function resolveStack(): Promise<StackEndpoints> {
  resolved ??= (async () => {
    const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL } = process.env;
    if (KAFKA_BROKERS && SCHEMA_REGISTRY_URL && DATABASE_URL) {
      return { kafkaBrokers: KAFKA_BROKERS.split(','), schemaRegistryUrl: SCHEMA_REGISTRY_URL, databaseUrl: DATABASE_URL };
    }
    if (await dockerAnswers()) {
      const { startContainers } = await import('./containers.ts');
      return startContainers();
    }
    return stackUp({ log: (line) => process.stderr.write(`[stack] ${line}\n`) });
  })();
  return resolved;
}
