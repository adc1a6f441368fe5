import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadInputError } from '@relocate/domain';
import { ModelBatcher, validateRecord } from './batcher.ts';

const rec = (model: string, pk: number) => ({ model, pk, fields: { n: pk } });

test('a change of model starts a new batch', () => {
  const b = new ModelBatcher(10, 1 << 20);
  assert.equal(b.add(rec('sentry.user', 1)), undefined);
  assert.equal(b.add(rec('sentry.user', 2)), undefined);
  const done = b.add(rec('sentry.email', 1));
  assert.deepEqual(done?.records.map((r) => r.pk), [1, 2]);
  assert.equal(b.flush()?.model, 'sentry.email');
});

test('batches are cut at the record limit with ordinals counting on', () => {
  const b = new ModelBatcher(2, 1 << 20);
  const out = [1, 2, 3, 4, 5].map((pk) => b.add(rec('sentry.user', pk))).filter(Boolean);
  out.push(b.flush());
  assert.deepEqual(out.map((x) => x?.minOrdinal), [1, 3, 5]);
});

test('a model in two runs keeps counting ordinals', () => {
  const b = new ModelBatcher(10, 1 << 20);
  b.add(rec('sentry.user', 1));
  b.add(rec('sentry.email', 1));
  const second = b.add(rec('sentry.user', 2));
  assert.equal(second?.model, 'sentry.email');
  assert.equal(b.flush()?.minOrdinal, 2);
});

test('records without a model, pk or fields are named in the error', () => {
  assert.throws(() => validateRecord({ model: 'nodot', pk: 1, fields: {} }, 4), (e: unknown) => e instanceof BadInputError && /record #5/.test(e.message));
  assert.throws(() => validateRecord({ model: 'sentry.user', pk: '1', fields: {} }, 0), (e: unknown) => e instanceof BadInputError && e.finding.field === 'pk');
  assert.throws(() => validateRecord({ model: 'sentry.user', pk: 1 }, 0), (e: unknown) => e instanceof BadInputError && e.finding.field === 'fields');
  assert.equal(validateRecord({ model: 'Sentry.User', pk: 1, fields: {} }, 0).model, 'sentry.user');
});
