import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionOffsets } from './offsets.ts';

test('without holds the next offset after the last processed is committable', () => {
  const o = new PartitionOffsets();
  assert.equal(o.committable(), undefined);
  o.processed('41');
  assert.equal(o.committable(), '42');
});

test('a held key keeps the commit at its first offset until released', () => {
  const o = new PartitionOffsets();
  o.hold('r1', '10');
  o.processed('10');
  o.hold('r1', '11');
  o.processed('11');
  o.processed('12');
  assert.equal(o.committable(), '10');
  o.release('r1');
  assert.equal(o.committable(), '13');
});

test('the oldest of several holds wins', () => {
  const o = new PartitionOffsets();
  o.hold('a', '5');
  o.hold('b', '3');
  o.processed('9');
  assert.equal(o.committable(), '3');
  o.release('b');
  assert.equal(o.committable(), '5');
});

test('a rewind goes back to the oldest hold and commits nothing past it', () => {
  const o = new PartitionOffsets();
  o.processed('3');
  o.hold('a', '4');
  o.processed('4');
  o.hold('b', '5');
  o.processed('7');
  assert.equal(o.rewind('7'), '4');
  assert.equal(o.committable(), '4');
  assert.equal(o.isHeld('a'), false);
});

test('a rewind with nothing held goes back to the record itself', () => {
  const o = new PartitionOffsets();
  o.processed('9');
  assert.equal(o.rewind('10'), '10');
  assert.equal(o.committable(), '10');
});
