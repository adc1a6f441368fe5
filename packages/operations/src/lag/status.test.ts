import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, type Observation } from './status.ts';

const obs = (o: Partial<Observation>): Observation => ({
  at: 0, committedOffset: 0, logEndOffset: 0, logStartOffset: 0, committedAt: null, advancedAt: null, owned: true, ...o,
});

test('no lag is OK, whatever else', () => {
  assert.equal(evaluate([obs({ committedOffset: 10, logEndOffset: 10, committedAt: 0, owned: false })], 100_000, 3_000), 'OK');
});

test('lag on a partition no live member owns is STOP, even just after a commit', () => {
  assert.equal(evaluate([obs({ at: 10_000, committedOffset: 5, logEndOffset: 9, committedAt: 9_900, advancedAt: 9_900, owned: false })], 10_000, 3_000), 'STOP');
});

test('lag with a commit older than the limit is STOP: the stage is not committing', () => {
  assert.equal(evaluate([obs({ at: 10_000, committedOffset: 5, logEndOffset: 9, committedAt: 1_000, advancedAt: 1_000 })], 10_000, 3_000), 'STOP');
});

test('lag with fresh commits of an offset that does not move is STALL', () => {
  assert.equal(evaluate([obs({ at: 10_000, committedOffset: 5, logEndOffset: 9, committedAt: 9_500, advancedAt: 1_000 })], 10_000, 3_000), 'STALL');
});

test('lag with fresh commits of a moving offset is OK', () => {
  assert.equal(evaluate([obs({ at: 10_000, committedOffset: 5, logEndOffset: 9, committedAt: 9_500, advancedAt: 9_500 })], 10_000, 3_000), 'OK');
});

test('a committed offset that goes back is REWIND', () => {
  const w = [obs({ at: 0, committedOffset: 9, logEndOffset: 9 }), obs({ at: 1, committedOffset: 2, logEndOffset: 9, committedAt: 1, advancedAt: 1 })];
  assert.equal(evaluate(w, 1, 3_000), 'REWIND');
});

test('offsets moving while the lag grows between every sample is WARN', () => {
  const w = [
    obs({ at: 0, committedOffset: 1, logEndOffset: 5, committedAt: 0, advancedAt: 0 }),
    obs({ at: 1, committedOffset: 2, logEndOffset: 8, committedAt: 1, advancedAt: 1 }),
    obs({ at: 2, committedOffset: 3, logEndOffset: 12, committedAt: 2, advancedAt: 2 }),
  ];
  assert.equal(evaluate(w, 2, 3_000), 'WARN');
  const catchingUp = [w[0], w[1], obs({ at: 2, committedOffset: 7, logEndOffset: 12, committedAt: 2, advancedAt: 2 })] as Observation[];
  assert.equal(evaluate(catchingUp, 2, 3_000), 'OK');
});

test('without commit metadata, an unowned partition with lag is STOP and an owned one unmoved for the window is STALL', () => {
  assert.equal(evaluate([obs({ committedOffset: 1, logEndOffset: 4, owned: false })], 0, 3_000), 'STOP');
  const w = [obs({ at: 0, committedOffset: 1, logEndOffset: 4 }), obs({ at: 5_000, committedOffset: 1, logEndOffset: 4 })];
  assert.equal(evaluate(w, 5_000, 3_000), 'STALL');
});

test('a partition never committed counts everything on it as lag', () => {
  assert.equal(evaluate([obs({ committedOffset: null, logStartOffset: 2, logEndOffset: 2, owned: false })], 0, 3_000), 'OK');
  assert.equal(evaluate([obs({ committedOffset: null, logEndOffset: 3, owned: false })], 0, 3_000), 'STOP');
  assert.equal(evaluate([obs({ committedOffset: null, logEndOffset: 3, owned: true })], 0, 3_000), 'OK');
});
