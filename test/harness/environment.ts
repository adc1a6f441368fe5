import { randomBytes } from 'node:crypto';
import { type Config, loadConfig } from '@relocate/config';
import { onDatabase, recreateDatabase } from '@relocate/database';
import { createLogger } from '@relocate/logging';
import { connect, type Connections } from '@relocate/pipeline';
import { resolveStack } from './stack.ts';

export interface TestEnvironment {
  config: Config;
  /** Variables that point a child process (a service, the CLI) at this environment. */
  env: NodeJS.ProcessEnv;
  connections: Connections;
}

/**
 * An isolated world per test file on the shared stack: its own database (dropped and created fresh, so a
 * developer's `relocate` database survives) and its own topic prefix and consumer groups.
 */
export async function testEnvironment(name: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<TestEnvironment> {
  const stack = await resolveStack();
  // Several checkouts may test against one server at once; each sets its own namespace.
  const namespace = (process.env.RELOCATE_TEST_NAMESPACE ?? '').replace(/[^a-z0-9_]/gi, '');
  const database = `relocate_test_${namespace ? `${namespace}_` : ''}${name}`;
  const target = onDatabase({ databaseUrl: stack.databaseUrl, databaseSsl: loadConfig({ ...process.env, DATABASE_URL: stack.databaseUrl, ...extraEnv }).databaseSsl }, database);
  await recreateDatabase(target);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    DATABASE_URL: target.databaseUrl,
    RELOCATE_TOPIC_PREFIX: `test.${name}.${randomBytes(3).toString('hex')}`,
    RELOCATE_PARTITIONS: '2',
    RELOCATE_MAX_RETRIES: '2',
    RELOCATE_RETRY_BASE_MS: '50',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...extraEnv,
  };
  const config = loadConfig(env);
  const connections = await connect(config, createLogger(`test-${name}`, config.logLevel));
  return { config, env, connections };
}
