import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RelocationSummary } from '@relocate/database';
import { formatSummary, listedChanges } from './summary.ts';

const base: RelocationSummary = { relocationId: 'r1', status: 'success', reason: null, models: {}, slugs: {}, events: 0, findings: [] };

test('568 organizations: one line for those that kept their slug, then the first 20 changed and how many more', () => {
  const slugs: Record<string, string> = {};
  for (let i = 0; i < 565; i++) slugs[`org-${i}`] = `org-${i}`;
  for (let i = 0; i < 3 + listedChanges; i++) slugs[`taken-${i}`] = `taken-${i}-x1`;
  const text = formatSummary({ ...base, slugs });
  assert.match(text, /^ {2}565 organizations kept their slug$/m);
  assert.match(text, /^ {2}23 organizations got a new slug:$/m);
  assert.equal(text.match(/ -> taken-/g)?.length, listedChanges);
  assert.match(text, /^ {4}… and 3 more$/m);
  assert.doesNotMatch(text, /org-1 -> /, 'an unchanged slug gets no line of its own');
});

test('users: kept are counted, renamed and merged are listed', () => {
  const text = formatSummary({ ...base, users: { kept: 2, renamed: { ada: 'ada-9u' }, merged: ['grace'] } });
  assert.match(text, /^ {2}2 users kept their username$/m);
  assert.match(text, /^ {2}1 user renamed \(the username was taken\):\n {4}ada -> ada-9u$/m);
  assert.match(text, /^ {2}1 user merged into the existing user of the same name:\n {4}grace$/m);
});

test('the model table has a column each for inserted, existing and overwritten', () => {
  const text = formatSummary({ ...base, models: { 'sentry.user': { inserted: 1200, existing: 3, overwritten: 0 }, 'sentry.email': { inserted: 1, existing: 0, overwritten: 2 } } });
  const lines = text.split('\n');
  assert.match(lines[1] ?? '', /MODEL\s+INSERTED\s+EXISTING\s+OVERWRITTEN/);
  assert.match(lines[2] ?? '', /sentry\.email\s+1\s+0\s+2$/);
  assert.match(lines[3] ?? '', /sentry\.user\s+1,200\s+3\s+0$/);
});

test('findings are grouped by kind with counts, errors first, the first few of each shown', () => {
  const warn = (pk: number) => ({ stage: 'writer', severity: 'warning' as const, kind: 'UnknownField', model: 'sentry.user', pk, field: 'x', reason: 'ignored' });
  const error = { stage: 'writer', severity: 'error' as const, kind: 'DuplicatePk', model: 'sentry.email', pk: 1, field: 'pk', reason: 'pk 1 twice' };
  const text = formatSummary({ ...base, status: 'failure', findings: [...[1, 2, 3, 4, 5].map(warn), error] }, { findingsPath: '/tmp/f.json', logPath: '.run/logs/relocate-r1.log' });
  assert.match(text, /^ {2}6 findings:\n {4}DuplicatePk \(error\) × 1\n {6}DuplicatePk: pk 1 twice \(model sentry\.email, pk 1, field pk\)\n {4}UnknownField \(warning\) × 5$/m);
  assert.equal(text.match(/UnknownField: ignored/g)?.length, 3);
  assert.match(text, /^ {6}… and 2 more$/m);
  assert.match(text, /^ {2}findings file: \/tmp\/f\.json\n {2}log file: \.run\/logs\/relocate-r1\.log\n$/m);
});
