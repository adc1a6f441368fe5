import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Disposition } from '../control.ts';
import { BatchDispositions, PausedPartitions } from './disposition.ts';

test('a batch reads its relocations once, and again only after forgetting one', async () => {
  const reads: string[][] = [];
  const table = new Map<string, Disposition>([['a', 'process'], ['b', 'skip']]);
  const read = async (ids: string[]) => {
    reads.push(ids);
    return new Map(ids.map((id) => [id, table.get(id) ?? 'process'] as const));
  };
  const d = await BatchDispositions.of(['a', 'b', 'a', ''], read);
  assert.deepEqual(reads, [['a', 'b']]);
  assert.equal(await d.for('a'), 'process');
  assert.equal(await d.for('b'), 'skip');
  assert.equal(await d.for(''), 'process');
  table.set('a', 'park');
  d.forget('a');
  assert.equal(await d.for('a'), 'park');
  assert.deepEqual(reads, [['a', 'b'], ['a']]);
});

test('a paused partition is let go, at its record, only once its relocation is no longer paused', async () => {
  const paused = new PausedPartitions();
  const resumed: number[] = [];
  const seeks: string[] = [];
  paused.hold({ topic: 't', partition: 0, relocationId: 'a', offset: '5', resume: () => resumed.push(0) });
  paused.hold({ topic: 't', partition: 1, relocationId: 'b', offset: '9', resume: () => resumed.push(1) });
  const state = new Map<string, Disposition>([['a', 'pause'], ['b', 'process']]);
  await paused.poll(async (id) => state.get(id) ?? 'process', (h) => seeks.push(`${h.partition}@${h.offset}`), () => undefined);
  assert.deepEqual([resumed, seeks, paused.size], [[1], ['1@9'], 1]);
  paused.releaseAll();
  assert.deepEqual([resumed, paused.size], [[1, 0], 0]);
});
