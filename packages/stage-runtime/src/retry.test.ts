import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadInputError } from '@relocate/domain';
import { isOutage, UpstreamPending, withRetry } from './retry.ts';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

test('a dependency that does not answer is an outage; a failure about the record is not', () => {
  assert.equal(isOutage(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')), true);
  assert.equal(isOutage(withCode('terminating connection due to administrator command', '57P01')), true);
  assert.equal(isOutage(withCode('the database system is starting up', '57P03')), true);
  assert.equal(isOutage(new Error('Confluent_Schema_Registry - Error, status 400: connect ECONNREFUSED 127.0.0.1:8081')), true);
  assert.equal(isOutage(new Error('wrapped', { cause: withCode('socket closed', 'ECONNRESET') })), true);
  assert.equal(isOutage(Object.assign(new Error('Connection timeout'), { name: 'KafkaJSConnectionError' })), true);
  const gaveUp = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSNonRetriableError', retriable: false });
  assert.equal(isOutage(gaveUp), true, 'kafkajs gave up on a broker that is away: still an outage');
  assert.equal(isOutage(Object.assign(new Error('connect ECONNREFUSED in a table we lack'), { retriable: false })), false);
  assert.equal(isOutage(withCode('could not serialize access', '40001')), false);
  assert.equal(isOutage(withCode('duplicate key value violates unique constraint', '23505')), false);
  assert.equal(isOutage(new BadInputError({ kind: 'InvalidField', model: 'sentry.user', pk: 1, field: 'email', reason: 'connect ECONNREFUSED in a field' })), false);
});

test('an outage is retried beyond the policy until it ends; other failures stop at the policy', async () => {
  let calls = 0;
  const flaky = async (): Promise<string> => {
    calls++;
    if (calls < 6) throw withCode('connect ECONNREFUSED', 'ECONNREFUSED');
    return 'back';
  };
  assert.equal(await withRetry(flaky, { maxRetries: 1, baseMs: 1 }, () => undefined), 'back');
  assert.equal(calls, 6);

  let serial = 0;
  const conflict = async (): Promise<never> => {
    serial++;
    throw withCode('could not serialize access', '40001');
  };
  await assert.rejects(withRetry(conflict, { maxRetries: 2, baseMs: 1 }, () => undefined), /serialize/);
  assert.equal(serial, 3);
});

test('an outage is given up when the policy says so, such as when the stage stops', async () => {
  let calls = 0;
  const down = async (): Promise<never> => {
    calls++;
    throw withCode('connect ECONNREFUSED', 'ECONNREFUSED');
  };
  await assert.rejects(withRetry(down, { maxRetries: 1, baseMs: 1, giveUp: () => calls >= 4 }, () => undefined), /ECONNREFUSED/);
  assert.equal(calls, 4);
});

test('a record waiting for an upstream stage is tried again, never more than 250 ms apart, until it goes on or the stage stops', async () => {
  let calls = 0;
  const delays: number[] = [];
  const writerBehind = async (): Promise<string> => {
    calls++;
    if (calls < 8) throw new UpstreamPending('project pk 7 not written yet');
    return 'saved';
  };
  // A base of 1 s would back off to seconds for any other failure.
  assert.equal(await withRetry(writerBehind, { maxRetries: 1, baseMs: 1_000 }, (_e, _a, d) => delays.push(d)), 'saved');
  assert.equal(calls, 8);
  assert.ok(delays.every((d) => d <= 250), `delays ${delays.join(', ')}`);
  assert.equal(isOutage(new UpstreamPending('x')), true);

  let stopping = false;
  const never = async (): Promise<never> => {
    stopping = true;
    throw new UpstreamPending('project pk 8 not written yet');
  };
  await assert.rejects(withRetry(never, { maxRetries: 1, baseMs: 1, giveUp: () => stopping }, () => undefined), UpstreamPending);
});
