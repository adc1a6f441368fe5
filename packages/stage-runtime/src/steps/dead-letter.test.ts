import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { BadInputError, type Finding } from '@relocate/domain';
import { createLogger } from '@relocate/logging';
import { DlqLimitExceededError, DlqLimitState } from '../dlq-limit.ts';
import { DeadLetterStep } from './dead-letter.ts';

const message = { key: Buffer.from('r1'), value: Buffer.from('v'), offset: '4', timestamp: '0', attributes: 0, headers: {} } as KafkaMessage;

function step(limit = 5) {
  const sent: IHeaders[] = [];
  const failures: Array<[string, string | undefined, boolean]> = [];
  let sendFailures = 1;
  const s = new DeadLetterStep({
    stage: 'writer',
    send: async (_m, headers) => {
      if (sendFailures-- > 0) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      sent.push(headers);
    },
    recordFailure: async (f: Finding, id, park) => void failures.push([f.kind, id, park]),
    dlqLimit: new DlqLimitState({ maxInvalidRatio: null, maxConsecutiveCount: limit }),
    retryBaseMs: 1,
    log: createLogger('test', 'silent'),
  });
  return { s, sent, failures };
}

test('a failed record reaches the DLQ (retried past an outage) and fails its relocation; only non-bad-input parks it', async () => {
  const { s, sent, failures } = step();
  const reason = await s.failed('p.models', 0, message, 'r1', new BadInputError({ kind: 'DuplicatePk', model: 'sentry.email', pk: 1, field: 'pk', reason: 'twice' }));
  assert.match(reason, /DuplicatePk/);
  await s.failed('p.models', 0, message, 'r1', new Error('table missing'));
  assert.deepEqual(failures, [['DuplicatePk', 'r1', false], ['StageFailed', 'r1', true]]);
  assert.equal(sent.length, 2);
  assert.equal(sent[1]?.['relocate.original.offset'], '4');
});

test('past the DLQ limit nothing is sent: the record stays for after the fix', async () => {
  const { s, sent } = step(1);
  await s.failed('t', 0, message, 'r1', new Error('a'));
  await assert.rejects(s.failed('t', 0, message, 'r1', new Error('b')), DlqLimitExceededError);
  assert.equal(sent.length, 1);
});

test('a parked record goes to the DLQ marked as parked', async () => {
  const { s, sent } = step();
  await s.park('t', 1, message, 'r1');
  assert.equal(sent[0]?.['relocate.parked'], 'true');
});
