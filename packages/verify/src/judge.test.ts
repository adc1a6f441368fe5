import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldCheck } from './allowed-differences.ts';
import { judge } from './records.ts';

const check = (c: Partial<FieldCheck> & Pick<FieldCheck, 'model' | 'field' | 'expected' | 'actual'>): FieldCheck => ({
  columnType: 'text', record: {}, scope: 'ORGANIZATION', completed: true, namedByFinding: false, ...c,
});
const ok = (c: FieldCheck): boolean => judge(c) === null;

test('a username may gain a random suffix, and nothing else', () => {
  assert.ok(ok(check({ model: 'sentry.user', field: 'username', expected: 'owner', actual: 'owner-x2' })));
  assert.ok(ok(check({ model: 'sentry.user', field: 'username', expected: '', actual: 'a@example.com', record: { email: 'a@example.com' } })), 'an empty username falls back to the email');
  assert.equal(judge(check({ model: 'sentry.user', field: 'username', expected: 'owner', actual: 'other' }))?.reason, 'differs from the export, and is not UsernameSuffixed');
  assert.ok(!ok(check({ model: 'sentry.user', field: 'username', expected: 'owner', actual: 'owner-8x' })), "Sentry's suffix alphabet has no 8");
});

test('privileges are reset only outside the config and global scopes', () => {
  const staff = { model: 'sentry.user', field: 'is_staff', expected: true, actual: false, columnType: 'boolean' };
  assert.ok(ok(check({ ...staff, scope: 'ORGANIZATION' })));
  assert.ok(!ok(check({ ...staff, scope: 'GLOBAL' })));
});

test("a foreign key must hold the PrimaryKeyMap's new pk", () => {
  const fk = { model: 'sentry.team', field: 'organization', expected: 1, columnType: 'bigint' };
  assert.ok(ok(check({ ...fk, actual: 7, foreignKey: { model: 'sentry.organization', mapped: 7 } })));
  assert.deepEqual(judge(check({ ...fk, actual: 1, foreignKey: { model: 'sentry.organization', mapped: 7 } })), { expected: 7, reason: 'differs from the export, and is not ForeignKeyRemapped' });
  assert.match(judge(check({ ...fk, actual: 7, foreignKey: { model: 'sentry.organization', mapped: undefined } }))?.reason ?? '', /has no entry in the PrimaryKeyMap/);
});

test('a timestamp may change notation, not instant', () => {
  const t = { model: 'sentry.team', field: 'date_added', columnType: 'timestamp with time zone' };
  assert.ok(ok(check({ ...t, expected: '2023-06-22T22:54:28Z', actual: '2023-06-22T22:54:28+00:00' })), 'an export before 23.7.1 drops .000');
  assert.ok(!ok(check({ ...t, expected: '2023-06-22T22:54:28.773Z', actual: '2023-06-22T22:54:28.774+00:00' })));
});

test('an organization is hidden only while its relocation runs, and keeps its reserved slug', () => {
  const status = { model: 'sentry.organization', field: 'status', expected: 0, actual: 3, columnType: 'integer', organization: { finalSlug: 'acme', hiddenStatus: 0 } };
  assert.ok(ok(check({ ...status, completed: false })));
  assert.ok(!ok(check({ ...status, completed: true })));
  const slug = { model: 'sentry.organization', field: 'slug', expected: 'Acme_Inc' };
  assert.ok(ok(check({ ...slug, actual: 'acme-inc-q4', organization: { finalSlug: 'acme-inc-q4', hiddenStatus: undefined } })));
  assert.ok(!ok(check({ ...slug, actual: 'acme-inc-q4', organization: { finalSlug: 'acme-inc-zz', hiddenStatus: undefined } })), 'the slug must be the one reserved');
});

test('a secret is regenerated only when it collided, in its shape; a dropped field must be named by a finding', () => {
  const key = { model: 'sentry.projectkey', field: 'public_key', expected: 'a'.repeat(32) };
  assert.ok(ok(check({ ...key, actual: 'b'.repeat(32), collided: true })));
  assert.ok(!ok(check({ ...key, actual: 'b'.repeat(32), collided: false })), 'a key that collided with nothing must be kept');
  assert.ok(!ok(check({ ...key, actual: 'short', collided: true })));
  const dropped = { model: 'sentry.team', field: 'actor', expected: 1, actual: undefined, columnType: undefined };
  assert.ok(ok(check({ ...dropped, namedByFinding: true })));
  assert.ok(!ok(check({ ...dropped, namedByFinding: false })));
});
