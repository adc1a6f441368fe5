import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combinedState } from './instances.ts';

test('a stage of several consumers is as well as its worst one', () => {
  assert.equal(combinedState(['running', 'running']), 'running');
  assert.equal(combinedState(['running', 'crashed']), 'crashed');
  assert.equal(combinedState(['crashed', 'halted']), 'halted');
  assert.equal(combinedState(['starting', 'running']), 'starting');
  assert.equal(combinedState(['stopped', 'stopped']), 'stopped');
  assert.equal(combinedState(['stopped', 'running']), 'running');
});
