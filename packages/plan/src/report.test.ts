import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '@relocate/model-writer';
import { PlannedMap } from './planned-map.ts';
import { PlanReport } from './report.ts';

const row = (oldPk: number, source: Record<string, unknown>, values: Record<string, unknown>, decision: Row['decision'] = { kind: 'INSERTED' }): Row =>
  ({ oldPk, source, values, decision, slug: null });

test('users: a changed username is a rename, an EXISTING user a merge into the pk it maps to, an unchanged one neither', () => {
  const report = new PlanReport();
  report.batch('sentry.user', [
    { oldPk: 1, newPk: 101, kind: 'INSERTED', slug: null },
    { oldPk: 2, newPk: 7, kind: 'EXISTING', slug: null },
    { oldPk: 3, newPk: 103, kind: 'INSERTED', slug: null },
  ], [
    row(1, { username: 'ada' }, { username: 'ada-x3' }),
    row(2, { username: 'bob' }, { username: 'bob' }, { kind: 'EXISTING', newPk: 7 }),
    row(3, { username: 'cy' }, { username: 'cy' }),
  ]);
  const plan = report.result();
  assert.deepEqual(plan.users, { renamed: { ada: 'ada-x3' }, merged: { bob: 7 } });
  assert.deepEqual(plan.models, { 'sentry.user': { inserted: 2, existing: 1, overwritten: 0 } });
  assert.equal(plan.status, 'would-succeed');
});

test('a model of which nothing would be written is not listed, as in the import\'s result', () => {
  const report = new PlanReport();
  report.batch('sites.site', [], []);
  assert.deepEqual(report.result().models, {});
});

test('tokens: a secret the rules replaced is regenerated, one they nulled is cleared, one kept is not reported', () => {
  const report = new PlanReport();
  report.batch('sentry.projectkey', [{ oldPk: 5, newPk: 50, kind: 'INSERTED', slug: null }], [
    row(5, { public_key: 'aa', secret_key: 'bb' }, { public_key: 'cc', secret_key: 'bb' }),
  ]);
  report.batch('sentry.organizationmember', [{ oldPk: 6, newPk: 60, kind: 'INSERTED', slug: null }], [row(6, { token: 't' }, { token: null })]);
  assert.deepEqual(report.result().tokens, [
    { model: 'sentry.projectkey', pk: 5, field: 'public_key', change: 'regenerated' },
    { model: 'sentry.organizationmember', pk: 6, field: 'token', change: 'cleared' },
  ]);
});

test('the first error decides: would-fail, with its kind and reason', () => {
  const report = new PlanReport();
  report.finding({ stage: 'reader', severity: 'warning', kind: 'FilteredOut', model: 'sentry.user', pk: 1, field: null, reason: 'filtered out' });
  assert.equal(report.failed, false);
  report.finding({ stage: 'writer', severity: 'error', kind: 'DuplicatePk', model: 'sentry.email', pk: 1, field: 'pk', reason: 'pk 1 appears more than once' });
  report.finding({ stage: 'writer', severity: 'error', kind: 'MissingField', model: 'sentry.email', pk: 2, field: 'email', reason: 'later' });
  const plan = report.result();
  assert.equal(plan.status, 'would-fail');
  assert.equal(plan.reason, 'DuplicatePk: pk 1 appears more than once');
  assert.equal(plan.findings.length, 3);
});

test('the planned map answers lookups and dropped records as the committed map would', async () => {
  const map = new PlannedMap();
  map.record('sentry.organization', [{ oldPk: 1, newPk: 11, kind: 'INSERTED', slug: 'acme' }]);
  map.setSlug('sentry.organization', 1, 'acme-k2');
  map.drop('sentry.user', 4);
  const found = await map.lookup(null, 'r', new Map([['sentry.organization', new Set([1, 2])], ['sentry.user', new Set([4])]]));
  assert.deepEqual(found, [{ model: 'sentry.organization', old_pk: 1, new_pk: 11, kind: 'INSERTED', slug: 'acme-k2' }]);
  assert.deepEqual(await map.droppedEarlier(null, 'r', [['sentry.user', 4], ['sentry.user', 5]]), new Set(['sentry.user:4']));
});
