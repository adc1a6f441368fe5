import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { disconnect } from '@relocate/pipeline';
import { makeCertificates, type Certificates } from '../harness/certificates.ts';
import { importExample } from '../harness/example.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { runCli } from '../harness/processes.ts';
import { type SecureBroker, startSecureBroker } from '../harness/secure-kafka.ts';

// Ports of the dedicated SASL_SSL broker: two above the stack's own Kafka port, so checkouts that test side by side do not collide.
const base = Number(process.env.RELOCATE_STACK_KAFKA_PORT ?? 9092);
const ports = { client: base + 2, controller: base + 3 };
let certs: Certificates;
let broker: SecureBroker;
let world: TestEnvironment;

before(async () => {
  certs = makeCertificates();
  broker = await startSecureBroker(certs, ports);
  world = await testEnvironment('securekafka', {
    KAFKA_BROKERS: broker.bootstrap,
    KAFKA_SASL_MECHANISM: 'scram-sha-256',
    KAFKA_SASL_USERNAME: broker.username,
    KAFKA_SASL_PASSWORD: broker.password,
    KAFKA_TLS_CA_FILE: certs.ca,
  });
});

after(async () => {
  if (world) await disconnect(world.connections);
  await broker?.stop();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

// The broker's only client listener is SASL_SSL, so every stage, the projector and the CLI got through TLS and SCRAM.
test('relocate import relocates the example end to end through a SASL_SSL (SCRAM-SHA-256) listener', async () => {
  const { run } = await importExample(world);
  assert.doesNotMatch(run.stderr, new RegExp(broker.password), 'the SASL password appears in no log line');
});

/** A client that gives up at once, so a refusal shows as the error kafkajs raises, not as retries. */
const attempt = async (options: { ssl?: boolean | { ca: string[] }; sasl?: { mechanism: 'scram-sha-256'; username: string; password: string } }): Promise<void> => {
  const kafka = new Kafka({ clientId: 'refused', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 3_000, authenticationTimeout: 3_000, retry: { retries: 0 }, ...options });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

test('clients without the right credentials, or without TLS, are refused', async () => {
  const ssl = { ca: [readPem(certs.ca)] };
  await attempt({ ssl, sasl: { mechanism: 'scram-sha-256', username: broker.username, password: broker.password } });
  await assert.rejects(attempt({ ssl }), 'TLS but no SASL: the broker closes the connection');
  await assert.rejects(attempt({ ssl, sasl: { mechanism: 'scram-sha-256', username: broker.username, password: 'wrong' } }), { name: 'KafkaJSSASLAuthenticationError' });
  await assert.rejects(attempt({ sasl: { mechanism: 'scram-sha-256', username: broker.username, password: broker.password } }), 'no TLS: no handshake');
  await assert.rejects(attempt({ ssl: { ca: [readPem(certs.otherCa)] }, sasl: { mechanism: 'scram-sha-256', username: broker.username, password: broker.password } }), /certificate/, 'a broker certificate from a CA we do not trust');
});

test('the CLI without credentials cannot reach the broker and says why', async () => {
  const env = { ...world.env, KAFKA_SASL_MECHANISM: undefined, KAFKA_SASL_USERNAME: undefined, KAFKA_SASL_PASSWORD: 'only-a-password' };
  const run = await runCli(['status', '--json'], env);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /KAFKA_SASL_PASSWORD set without KAFKA_SASL_MECHANISM/);
});

function readPem(file: string): string {
  return readFileSync(file, 'utf8');
}
