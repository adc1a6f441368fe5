import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupMembership, heartbeatIntervalFor, keepingAlive } from './liveness.ts';

test('work longer than the interval heartbeats on a timer beside it, and stops when the work ends', async () => {
  let beats = 0;
  const result = await keepingAlive(async () => void beats++, 10, async () => {
    await sleep(75);
    return 'done';
  }, () => undefined);
  assert.equal(result, 'done');
  assert.ok(beats >= 4, `${beats} heartbeats in 75 ms at 10 ms`);
  const after = beats;
  await sleep(40);
  assert.equal(beats, after, 'no heartbeat once the work ended');
});

test('a failing heartbeat is reported and the work goes on; a failing work is thrown', async () => {
  const errors: unknown[] = [];
  await keepingAlive(async () => { throw new Error('rebalance in progress'); }, 5, () => sleep(30), (e) => errors.push(e));
  assert.ok(errors.length >= 1);
  await assert.rejects(keepingAlive(async () => undefined, 5, async () => { throw new Error('boom'); }, () => undefined), /boom/);
});

test('heartbeats come every second, or three times a short session', () => {
  assert.equal(heartbeatIntervalFor(30_000), 1_000);
  assert.equal(heartbeatIntervalFor(6_000), 1_000);
  assert.equal(heartbeatIntervalFor(1_500), 500);
  assert.equal(heartbeatIntervalFor(300), 200);
  assert.deepEqual(groupMembership(30_000), { sessionTimeout: 30_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500 });
});
