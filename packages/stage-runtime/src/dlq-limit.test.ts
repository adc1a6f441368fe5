import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DlqLimitExceededError, DlqLimitState } from './dlq-limit.ts';

test('more invalid records in a row than the consecutive limit stop the stage', () => {
  const s = new DlqLimitState({ maxInvalidRatio: null, maxConsecutiveCount: 2 });
  s.invalid('t', 0);
  s.invalid('t', 0);
  assert.throws(() => s.invalid('t', 0), (e: Error) => e instanceof DlqLimitExceededError && /3 invalid records in a row on t\[0\] exceed the DLQ limit of 2/.test(e.message));
});

test('a valid record resets the consecutive count, and partitions count apart', () => {
  const s = new DlqLimitState({ maxInvalidRatio: null, maxConsecutiveCount: 1 });
  s.invalid('t', 0);
  s.valid('t', 0);
  s.invalid('t', 0);
  s.invalid('t', 1);
  assert.throws(() => s.invalid('t', 1), DlqLimitExceededError);
});

test('the ratio limit applies once a partition has seen enough records', () => {
  const s = new DlqLimitState({ maxInvalidRatio: 0.5, maxConsecutiveCount: null });
  s.invalid('t', 0); // a first bad record alone does not stop a fresh consumer
  for (let i = 0; i < 6; i++) s.valid('t', 0);
  s.invalid('t', 0);
  s.invalid('t', 0); // 3 invalid to 6 valid: at the ratio, not above it
  assert.throws(() => s.invalid('t', 0), /4 invalid to 6 valid records on t\[0\] exceed the DLQ ratio limit of 0.5/);
});

test('a rejected record is not counted, so the count stays at the limit', () => {
  const s = new DlqLimitState({ maxInvalidRatio: null, maxConsecutiveCount: 1 });
  s.invalid('t', 0);
  assert.throws(() => s.invalid('t', 0), DlqLimitExceededError);
  assert.throws(() => s.invalid('t', 0), /2 invalid records in a row/);
});
