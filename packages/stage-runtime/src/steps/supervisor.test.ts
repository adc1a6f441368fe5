import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerSupervisor } from './supervisor.ts';

class FakeConsumer {
  static built = 0;
  readonly id = ++FakeConsumer.built;
  disconnected = false;
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
}

function supervisor(failStarts = 0) {
  const restarts: Array<[number, number]> = [];
  let starts = 0;
  const s: ConsumerSupervisor<FakeConsumer> = new ConsumerSupervisor({
    build: () => new FakeConsumer(),
    start: async (c) => {
      if (starts++ > 0 && failStarts-- > 0) throw new Error('broker away');
      setImmediate(() => s.joined(c));
    },
    baseMs: 2,
    maxMs: 5,
    onRestart: (_e, attempt, delayMs) => restarts.push([attempt, delayMs]),
  });
  return { s, restarts };
}

test('a crash, even a non-retriable one, rebuilds the consumer with backoff and it rejoins', async () => {
  const { s, restarts } = supervisor(2);
  await s.start();
  const first = s.active;
  s.crashed(first, new Error('The coordinator is not aware of this member'));
  assert.equal(s.state, 'crashed');
  s.crashed(first, new Error('the same crash reported twice'));
  await sleep(60);
  assert.equal(s.state, 'running');
  assert.ok(first.disconnected);
  assert.notEqual(s.active, first);
  assert.deepEqual(restarts, [[1, 2], [2, 4], [3, 5]], 'two failed starts, backing off, then the third joins');
  assert.equal(s.restartCount, 3);
  // Once joined, the next crash backs off from the start again; a crash of an old consumer is ignored.
  s.crashed(first, new Error('stale'));
  assert.equal(s.state, 'running');
  s.crashed(s.active, new Error('again'));
  await sleep(20);
  assert.deepEqual(restarts.at(-1), [1, 2]);
});

test('halted and stopped stages are not rebuilt', async () => {
  const { s, restarts } = supervisor();
  await s.start();
  await s.halt(async (c) => c.disconnect());
  s.crashed(s.active, new Error('after the halt'));
  assert.equal(s.state, 'halted');
  await s.stop();
  assert.equal(s.state, 'stopped');
  assert.deepEqual(restarts, []);
});
