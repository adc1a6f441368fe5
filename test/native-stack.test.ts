// End-to-end check of the native local stack. Leaves the stack running (other tests reuse it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import pg from 'pg';
import { ensureDatabase, stackStatus, stackUp, type PartStatus, type StackEndpoints } from '../packages/native-stack/src/index.ts';

const unique = `native-stack-${Date.now()}-${randomUUID().slice(0, 8)}`;

function pidsOf(status: PartStatus[]): Record<string, number | undefined> {
  return Object.fromEntries(status.map((s) => [s.name, s.pid]));
}

let endpoints: StackEndpoints;

test('stackUp starts the stack and is a no-op the second time', { timeout: 15 * 60_000 }, async () => {
  endpoints = await stackUp();
  assert.ok(endpoints.kafkaBrokers.length > 0);
  assert.match(endpoints.schemaRegistryUrl, /\/apis\/ccompat\/v7$/);
  const first = pidsOf(await stackStatus());
  assert.ok(first.kafka, 'kafka has a pid');
  assert.ok(first['schema-registry'], 'schema-registry has a pid');

  const lines: string[] = [];
  const again = await stackUp({ log: (line) => lines.push(line) });
  assert.deepEqual(again, endpoints);
  assert.deepEqual(pidsOf(await stackStatus()), first, 'same pids after the second stackUp');
  assert.ok(lines.some((l) => l.includes('kafka: already running')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('schema-registry: already running')), lines.join('\n'));
});

test('stackStatus reports all three parts up', async () => {
  const status = await stackStatus();
  assert.deepEqual(status.map((s) => s.name).sort(), ['kafka', 'postgresql', 'schema-registry']);
  for (const part of status) assert.equal(part.up, true, `${part.name}: ${part.detail}`);
  const registry = status.find((s) => s.name === 'schema-registry');
  assert.match(registry?.detail ?? '', /^Apicurio Registry \d+\.\d+\.\d+ on Java \d+, http:\/\//);
});

test('schema registry: register, compatibility, encode/decode', async () => {
  const registry = new SchemaRegistry({ host: endpoints.schemaRegistryUrl });
  const subject = `${unique}-value`;
  const v1 = {
    type: 'record',
    name: 'Probe',
    namespace: 'relocate.test',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'count', type: 'int' },
    ],
  };
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject });
  assert.ok(Number.isInteger(id));

  const res = await fetch(`${endpoints.schemaRegistryUrl}/config/${encodeURIComponent(subject)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  assert.equal(res.status, 200, await res.text());

  const record = { id: 'a-1', count: 42 };
  const encoded = await registry.encode(id, record);
  assert.deepEqual({ ...(await registry.decode(encoded)) }, record);

  const again = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject });
  assert.equal(again.id, id, 're-registering returns the same id');

  const v2 = { ...v1, fields: [...v1.fields, { name: 'required', type: 'string' }] };
  await assert.rejects(
    registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v2) }, { subject }),
    /incompatible/i,
    'a new required field without default is not BACKWARD compatible',
  );

  // The rejection is about compatibility: the same field with a default is accepted.
  const v3 = { ...v1, fields: [...v1.fields, { name: 'required', type: 'string', default: '' }] };
  const third = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v3) }, { subject });
  assert.notEqual(third.id, id);
});

test('kafka: produce and consume on a new topic', { timeout: 120_000 }, async () => {
  const kafka = new Kafka({ clientId: 'native-stack-test', brokers: endpoints.kafkaBrokers, logLevel: logLevel.WARN });
  const topic = unique;
  const admin = kafka.admin();
  await admin.connect();
  try {
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }), true);
  } finally {
    await admin.disconnect();
  }

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'k', value: 'hello native stack' }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${unique}-group` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const value = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 60 s')), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message.value?.toString('utf8') ?? '');
        },
      });
    });
    assert.equal(value, 'hello native stack');
  } finally {
    await consumer.disconnect();
  }
});

test('postgresql: ensureDatabase creates a missing database', async () => {
  const url = new URL(endpoints.databaseUrl);
  url.pathname = '/relocate_native_stack_test';
  await ensureDatabase(url.toString());
  await ensureDatabase(url.toString()); // idempotent
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const res = await client.query<{ db: string }>('SELECT current_database() AS db');
    assert.equal(res.rows[0]?.db, 'relocate_native_stack_test');
  } finally {
    await client.end();
  }
});
