import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesOfChunks, formatBytes, formatDuration, formatRate, Throughput } from './throughput.ts';

test('the rate is measured over the recent window, and the time left follows from it', () => {
  const t = new Throughput(10_000);
  assert.equal(t.secondsLeft(100), undefined, 'unknown before two samples');
  t.add(0, 0);
  t.add(1_000, 10);
  assert.equal(t.perSecond(), 10);
  assert.equal(t.secondsLeft(100), 9);
  // A slower stretch, once the fast one has left the window, is all the rate shows.
  for (let s = 2; s <= 30; s++) t.add(s * 1_000, 10 + (s - 1));
  assert.ok(Math.abs(t.perSecond() - 1) < 1e-9, `rate ${t.perSecond()}`);
  assert.equal(t.secondsLeft(100), 61);
});

test('a count that goes down (a stage replaying) starts the rate again', () => {
  const t = new Throughput();
  t.add(0, 50);
  t.add(1_000, 100);
  t.add(2_000, 10);
  assert.equal(t.perSecond(), 0);
});

test('the reader\'s bytes: the export\'s chunks first, then the events file\'s, each last chunk shorter', () => {
  const sizes = [2_500, 1_200];
  assert.equal(bytesOfChunks(0, 1_000, sizes), 0);
  assert.equal(bytesOfChunks(2, 1_000, sizes), 2_000);
  assert.equal(bytesOfChunks(3, 1_000, sizes), 2_500);
  assert.equal(bytesOfChunks(4, 1_000, sizes), 3_500);
  assert.equal(bytesOfChunks(5, 1_000, sizes), 3_700);
  assert.equal(bytesOfChunks(9, 1_000, sizes), 3_700, 'a redelivered chunk counts no byte twice');
  assert.equal(bytesOfChunks(2, 1_000, [0, 10]), 10, 'an empty export is one empty chunk');
});

test('durations, rates and sizes read as a person writes them', () => {
  assert.equal(formatDuration(undefined), '--');
  assert.equal(formatDuration(12.4), '12s');
  assert.equal(formatDuration(185), '3m05s');
  assert.equal(formatDuration(3_720), '1h02m');
  assert.equal(formatRate(850, ' rec'), '850 rec/s');
  assert.equal(formatRate(12_345), '12.3k/s');
  assert.equal(formatRate(2.46, ' rec'), '2.5 rec/s');
  assert.equal(formatRate(0), '0/s');
  assert.equal(formatBytes(3_200_000), '3.2 MB');
});
