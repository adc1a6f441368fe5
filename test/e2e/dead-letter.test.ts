import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PipelineRecord } from '@relocate/codec';
import { getRelocation, listFindings, startRelocation } from '@relocate/database';
import { disconnect, hostStages, type HostedStages } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { readTopic } from '../harness/topics.ts';

let world: TestEnvironment;
let hosted: HostedStages;
const poisoned = 'dlq-poisoned';
const healthy = 'dlq-healthy';

before(async () => {
  world = await testEnvironment('dead_letter');
  hosted = await hostStages(world.connections, ['writer']);
  const options = { scope: 'ORGANIZATION' as const, mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null };
  await startRelocation(world.connections.pool, poisoned, options);
  await startRelocation(world.connections.pool, healthy, options);
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

test('a poison record goes to the stage DLQ with its context while the stage keeps going', async () => {
  const { kafka, codec, topics, pool } = world.connections;
  const batch: PipelineRecord = {
    relocationId: healthy,
    producedBy: 'test',
    payload: { 'relocate.ModelBatch': { model: 'sentry.email', minOrdinal: 1, records: [{ pk: 5, fields: JSON.stringify({ email: 'kept@example.com', date_added: '2024-01-01T00:00:00.000Z' }) }] } },
  };
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: topics.models, messages: [{ key: poisoned, value: Buffer.from('this is not an Avro record') }] });
  await producer.send({ topic: topics.models, messages: [{ key: healthy, value: await codec.encode(topics.models, batch) }] });
  await producer.disconnect();

  const deadline = Date.now() + 30_000;
  let mapped: number | undefined;
  while (mapped === undefined && Date.now() < deadline) {
    const { rows } = await pool.query<{ new_pk: number }>(`SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.email' AND old_pk = 5`, [healthy]);
    mapped = rows[0]?.new_pk;
    if (mapped === undefined) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(mapped !== undefined, 'the record after the poison one was written');

  const dlq = await readTopic(world.connections, topics.dlq.writer);
  assert.equal(dlq.length, 1);
  const [{ message }] = dlq as [(typeof dlq)[number]];
  const header = (name: string): string | undefined => message.headers?.[name]?.toString();
  assert.equal(message.key?.toString(), poisoned);
  assert.equal(message.value?.toString(), 'this is not an Avro record');
  assert.equal(header('relocate.stage'), 'writer');
  assert.equal(header('relocate.original.topic'), topics.models);
  assert.match(header('relocate.original.partition') ?? '', /^\d+$/);
  assert.match(header('relocate.original.offset') ?? '', /^\d+$/);
  assert.ok((header('relocate.error') ?? '').length > 0);

  const relocation = await getRelocation(pool, poisoned);
  assert.equal(relocation?.status, 'failure');
  const findings = await listFindings(pool, poisoned);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.stage, 'writer');
  assert.match(findings[0]?.reason ?? '', new RegExp(`${topics.models.replaceAll('.', '\\.')}\\[\\d+\\]@\\d+`));
  assert.equal((await getRelocation(pool, healthy))?.status, 'running');
});

test('the hosting process reports health and the DLQ count on its metrics endpoint', async () => {
  const health = await fetch(`http://127.0.0.1:${hosted.metricsPort}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { healthy: true, stages: { writer: 'running' }, restarts: { writer: 0 } });
  const metrics = await (await fetch(`http://127.0.0.1:${hosted.metricsPort}/metrics`)).text();
  assert.match(metrics, /relocate_dlq_records_total\{stage="writer"\} 1/);
  assert.match(metrics, /relocate_records_processed_total\{stage="writer",outcome="ok"\} 1/);
});
