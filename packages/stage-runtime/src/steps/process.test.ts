import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadInputError } from '@relocate/domain';
import { createLogger } from '@relocate/logging';
import { processStep, type StageContext, type StageMessage } from './process.ts';
import type { Output } from './produce.ts';

const ctx: StageContext = { produce: async () => undefined, hold: () => undefined, release: () => undefined, log: createLogger('test', 'silent') };
const input = (value: unknown): StageMessage<unknown> => ({ key: 'r1', value, topic: 't', partition: 0, offset: '3', headers: {} });
const end = { relocationId: 'r1', producedBy: 'writer', payload: { 'relocate.RelocationEnd': {} } };

test('a retriable failure is retried, then the outputs are produced once; an end marker passing on is told', async () => {
  let tries = 0;
  const produced: Output[][] = [];
  const step = processStep(async () => {
    if (++tries < 3) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    return [{ topic: 'out', key: 'r1', value: end }];
  }, async (o) => void produced.push(o), { maxRetries: 5, baseMs: 1 }, () => undefined);
  assert.deepEqual(await step(input({}), ctx), { produced: 1, ended: true });
  assert.equal(tries, 3);
  assert.equal(produced.length, 1);
});

test('bad input is not retried: it is thrown at once for the dead-letter step', async () => {
  let tries = 0;
  const step = processStep(async () => {
    tries++;
    throw new BadInputError({ kind: 'MissingField', model: 'sentry.team', pk: 1, field: 'name', reason: 'required' });
  }, async () => undefined, { maxRetries: 5, baseMs: 1 }, () => undefined);
  await assert.rejects(step(input({}), ctx), BadInputError);
  assert.equal(tries, 1);
});
