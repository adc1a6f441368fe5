import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onInterrupt } from './interrupt.ts';

test('the first signal stops cleanly, a second exits at once; removed handlers hear nothing', () => {
  const seen: string[] = [];
  const exits: number[] = [];
  const remove = onInterrupt((s) => seen.push(s), (code) => void exits.push(code));
  process.emit('SIGHUP', 'SIGHUP');
  assert.deepEqual([seen, exits], [['SIGHUP'], []]);
  process.emit('SIGINT', 'SIGINT');
  assert.deepEqual([seen, exits], [['SIGHUP'], [130]]);
  remove();
  assert.equal(process.listenerCount('SIGINT'), 0);
});
