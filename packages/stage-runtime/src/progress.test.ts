import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchProgress, isEndMarker } from './progress.ts';

test('counts per relocation come before the stage says it is done, and a report starts the next afresh', () => {
  const p = new BatchProgress('writer');
  p.record('r1', 1, '7');
  p.produced('r1', 2);
  p.record('r1', 1, '8');
  p.record('r2', 0, '3');
  p.done('r1');
  const events = p.drain();
  assert.deepEqual(events.map((e) => [e.relocationId, e.type, e.recordsIn, e.recordsOut, e.firstPartition, e.firstOffset]), [
    ['r1', 'STAGE_PROGRESS', 2, 2, 1, 7],
    ['r2', 'STAGE_PROGRESS', 1, 0, 0, 3],
    ['r1', 'STAGE_DONE', undefined, undefined, undefined, undefined],
  ]);
  assert.ok(events.every((e) => e.stage === 'writer'));
  assert.deepEqual(p.drain(), []);
});

test('the end marker is recognised in a pipeline record only', () => {
  assert.equal(isEndMarker({ relocationId: 'r', producedBy: 'x', payload: { 'relocate.RelocationEnd': { modelBatches: 1 } } }), true);
  assert.equal(isEndMarker({ relocationId: 'r', producedBy: 'x', payload: { 'relocate.ModelBatch': {} } }), false);
  assert.equal(isEndMarker({ relocationId: 'r', part: 'EXPORT' }), false);
  assert.equal(isEndMarker(null), false);
});
