import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispositionFrom } from './control.ts';

test('a cancelled relocation is skipped, even when parked or paused', () => {
  assert.equal(dispositionFrom({ status: 'cancelled', paused: true, parked: true }), 'skip');
});

test('a relocation parked at the stage is parked, paused or not', () => {
  assert.equal(dispositionFrom({ status: 'failure', paused: true, parked: true }), 'park');
});

test('only a running relocation pauses', () => {
  assert.equal(dispositionFrom({ status: 'running', paused: true, parked: false }), 'pause');
  assert.equal(dispositionFrom({ status: 'failure', paused: true, parked: false }), 'process');
});

test('an unknown relocation and a running one are processed', () => {
  assert.equal(dispositionFrom({ status: null, paused: null, parked: false }), 'process');
  assert.equal(dispositionFrom({ status: 'running', paused: false, parked: false }), 'process');
});
