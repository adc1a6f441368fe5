import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameValue } from './values.ts';

test("a value equals the database's in the column's own terms", () => {
  assert.equal(sameValue('bigint', '1', 1), true, 'a bitfield exported as a decimal string');
  assert.equal(sameValue('bigint', 2, 1), false);
  assert.equal(sameValue('text', 'a', 'a'), true);
  assert.equal(sameValue('text', 'a', 'b'), false);
  assert.equal(sameValue('boolean', true, false), false);
  assert.equal(sameValue('jsonb', { a: [1] }, { a: [1] }), true);
  assert.equal(sameValue('jsonb', '{"a":1}', { a: 1 }), true, 'JSON text in a jsonb column');
  assert.equal(sameValue(null, { a: 1 }, { a: 2 }), false, 'a catch-all field');
  assert.equal(sameValue('text', null, null), true);
  assert.equal(sameValue('text', null, ''), false, 'null is not the empty string');
});

test('a timestamp in another notation is not equal here: it is the TimestampNormalized difference', () => {
  assert.equal(sameValue('timestamp with time zone', '2023-06-22T22:54:28.773Z', '2023-06-22T22:54:28.773+00:00'), false);
});
