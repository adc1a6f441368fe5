import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ExportFilter } from './filters.ts';
import type { ExportRecord } from './batcher.ts';

const fixture = (name: string): ExportRecord[] =>
  JSON.parse(readFileSync(new URL(`../../../../shared/fixtures/sentry/${name}`, import.meta.url), 'utf8')) as ExportRecord[];

function admitted(records: ExportRecord[], filter: ExportFilter): string[] {
  for (const r of records) filter.observe(r);
  filter.settle();
  return records.filter((r) => filter.rejection(r) === null).map((r) => `${r.model}:${r.pk}`);
}

test('an org filter admits the organization, its members\' users and their emails', () => {
  const kept = admitted(fixture('fresh-install.json'), new ExportFilter(['testing'], null));
  for (const k of ['sentry.organization:1', 'sentry.user:1', 'sentry.user:2', 'sentry.email:1', 'sentry.email:2']) assert.ok(kept.includes(k), k);
  // user 3 is not a member (only the inviter of one)
  assert.ok(!kept.includes('sentry.user:3'));
  assert.ok(!kept.includes('sentry.email:3'));
});

test('an org filter for another slug admits no organization and no user', () => {
  const kept = admitted(fixture('fresh-install.json'), new ExportFilter(['other'], null));
  assert.equal(kept.filter((k) => /^sentry\.(organization|user|email):/.test(k)).length, 0);
});

test('a username filter admits exactly that user and their email', () => {
  const kept = admitted(fixture('fresh-install.json'), new ExportFilter(null, ['member@example.com']));
  assert.deepEqual(kept.filter((k) => /^sentry\.(user|email):/.test(k)), ['sentry.email:2', 'sentry.user:2']);
});

test('an empty set admits nothing', () => {
  const kept = admitted(fixture('fresh-install.json'), new ExportFilter(null, []));
  assert.equal(kept.filter((k) => k.startsWith('sentry.user:')).length, 0);
});

test('the reason names the slug or username that was not asked for', () => {
  const f = new ExportFilter(null, ['x']);
  f.settle();
  assert.match(f.rejection({ model: 'sentry.user', pk: 1, fields: { username: 'alice' } }) ?? '', /"alice"/);
});
