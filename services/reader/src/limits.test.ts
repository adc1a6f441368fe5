import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadInputError } from '@relocate/domain';
import { checkNesting, checkSize, depthExceeds, maxNestingDepth, maxRecordBytes } from './limits.ts';

const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v };
  return v;
};

test('depth counts arrays and objects, scalars count nothing', () => {
  assert.equal(depthExceeds('text', 0), false);
  assert.equal(depthExceeds({}, 0), true);
  assert.equal(depthExceeds(nested(3), 3), false);
  assert.equal(depthExceeds(nested(4), 3), true);
  assert.equal(depthExceeds({ a: 1, b: [1, [2]] }, 2), true);
});

test('a 10,000-deep value is measured without running out of stack', () => {
  assert.equal(depthExceeds(nested(10_000), maxNestingDepth), true);
});

test('a field nested past the limit is named with model and pk', () => {
  assert.doesNotThrow(() => checkNesting('sentry.option', 1, { value: nested(maxNestingDepth) }));
  assert.throws(() => checkNesting('sentry.option', 1, { key: 'k', value: nested(maxNestingDepth + 1) }), (err: unknown) =>
    err instanceof BadInputError && err.finding.kind === 'NestedTooDeep' && err.finding.model === 'sentry.option' && err.finding.pk === 1 && err.finding.field === 'value');
});

test('size counts UTF-8 bytes, not characters', () => {
  const chars = Math.floor(maxRecordBytes / 2) + 1;
  assert.doesNotThrow(() => checkSize('sentry.user', 2, 'a'.repeat(chars)));
  assert.throws(() => checkSize('sentry.user', 2, 'é'.repeat(chars)), (err: unknown) =>
    err instanceof BadInputError && err.finding.kind === 'RecordTooLarge' && err.finding.pk === 2);
});
