import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopicMessages } from 'kafkajs';
import { produceStep } from './produce.ts';

const codec = { encode: async (topic: string, value: object): Promise<Buffer> => Buffer.from(`${topic}:${JSON.stringify(value)}`) };

test('outputs go out in one send, grouped by topic, in order; nothing is sent for no outputs', async () => {
  const sent: TopicMessages[][] = [];
  const produce = produceStep(codec, async (t) => void sent.push(t));
  await produce([]);
  assert.equal(sent.length, 0);
  await produce([{ topic: 'a', key: 'r', value: { n: 1 } }, { topic: 'b', key: 'r', value: { n: 2 } }, { topic: 'a', key: 'r', value: { n: 3 }, headers: { h: 'x' } }]);
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0]?.map((t) => [t.topic, t.messages.map((m) => String(m.value))]), [['a', ['a:{"n":1}', 'a:{"n":3}']], ['b', ['b:{"n":2}']]]);
  assert.deepEqual(sent[0]?.[0]?.messages[1]?.headers, { h: 'x' });
});

test('a send that fails is thrown, so the record stays uncommitted', async () => {
  await assert.rejects(produceStep(codec, async () => { throw new Error('broker away'); })([{ topic: 'a', key: 'r', value: {} }]), /broker away/);
});
