import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RelocationView } from '@relocate/operations';
import { countedList, fingerprintOf, StallWatch, stageWaitedOn } from './stall.ts';

test('no change for the stall time is told once per stall time, and once when it moves again', () => {
  let now = 0;
  const w = new StallWatch(30_000, () => now);
  assert.equal(w.observe('a'), 'moving');
  now = 29_999;
  assert.equal(w.observe('a'), undefined);
  now = 30_000;
  assert.equal(w.observe('a'), 'stalled');
  now = 45_000;
  assert.equal(w.observe('a'), undefined);
  now = 60_000;
  assert.equal(w.observe('a'), 'stalled', 'never silent while it lasts');
  assert.equal(w.observe('b'), 'moving again');
  assert.equal(w.observe('c'), 'moving');
});

const view = (states: Array<[string, 'pending' | 'running' | 'done', number]>): RelocationView => ({
  relocationId: 'r', status: 'running', paused: false, reason: null, createdAt: '', updatedAt: '', completedAt: null,
  stages: states.map(([stage, state, recordsIn]) => ({ stage, state, recordsIn, recordsOut: 0, reason: null, startedAt: null, updatedAt: '', finishedAt: null })),
});

test('the stage waited on is the first in flow order not done; counts make the fingerprint', () => {
  assert.equal(stageWaitedOn(view([['reader', 'done', 3], ['writer', 'running', 1]])), 'writer');
  assert.equal(stageWaitedOn(undefined), 'reader');
  assert.notEqual(fingerprintOf(view([['writer', 'running', 1]])), fingerprintOf(view([['writer', 'running', 2]])));
});

test('members of one process are counted, not repeated', () => {
  assert.equal(countedList(['relocate@h1', 'relocate@h1', 'other@h2']), 'relocate@h1 ×2, other@h2');
  assert.equal(countedList([]), '');
});
