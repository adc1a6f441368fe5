import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { disconnect, type HostedStages, hostStages } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { eventually } from '../harness/eventually.ts';
import { readTopic } from '../harness/topics.ts';

let world: TestEnvironment;
let hosted: HostedStages;

before(async () => {
  // At most two bad records in a row go to the DLQ; a third stops the stage.
  world = await testEnvironment('dlq_limit', { RELOCATE_DLQ_MAX_CONSECUTIVE: '2', RELOCATE_DLQ_MAX_INVALID_RATIO: 'none', RELOCATE_PARTITIONS: '1' });
  hosted = await hostStages(world.connections, ['writer']);
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

test('past its DLQ limit a stage halts instead of dead-lettering, and leaves the record uncommitted', async () => {
  const { kafka, topics } = world.connections;
  const producer = kafka.producer();
  await producer.connect();
  // Bad records of four relocations (none parks another): as after a bad deploy, every record fails.
  await producer.send({ topic: topics.models, messages: ['a', 'b', 'c', 'd'].map((k) => ({ key: `limit-${k}`, value: Buffer.from('not an Avro record') })) });
  await producer.disconnect();

  const health = await eventually('the writer to halt', async () => {
    const res = await fetch(`http://127.0.0.1:${hosted.metricsPort}/healthz`);
    return res.status === 503 ? ((await res.json()) as { stages: Record<string, string>; halted: Record<string, string> }) : undefined;
  });
  assert.equal(health.stages.writer, 'halted');
  assert.match(health.halted.writer ?? '', /3 invalid records in a row on .*models\[0\] exceed the DLQ limit of 2/);
  assert.equal((await readTopic(world.connections, topics.dlq.writer)).length, 2, 'only the records within the limit went to the DLQ');

  const admin = kafka.admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId: `${world.config.topicPrefix}.writer`, topics: [topics.models] });
  await admin.disconnect();
  assert.equal(committed?.partitions[0]?.offset, '2', 'the third record waits, uncommitted, for the fix');
  const metrics = await (await fetch(`http://127.0.0.1:${hosted.metricsPort}/metrics`)).text();
  assert.match(metrics, /^relocate_stage_halted\{stage="writer"\} 1/m);
});
