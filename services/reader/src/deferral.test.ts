import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelGraph } from '@relocate/domain';
import type { ExportRecord } from './batcher.ts';
import { OutOfOrderRecords } from './deferral.ts';

const graph = ModelGraph.load();
const rec = (model: string, pk: number, fields: Record<string, unknown> = {}): ExportRecord => ({ model, pk, fields });

/** Feeds records as the reader does and returns the order they are handed on in. */
async function order(records: ExportRecord[]): Promise<string[]> {
  const waiting = new OutOfOrderRecords(graph);
  const out: string[] = [];
  try {
    for (const r of records) {
      if (waiting.mustWait(r)) await waiting.defer(r);
      else out.push(`${r.model}:${r.pk}`);
    }
    for await (const r of waiting.drain()) out.push(`${r.model}:${r.pk}`);
  } finally {
    await waiting.dispose();
  }
  return out;
}

test('a record whose foreign key points at a model not yet read waits, and follows in dependency order', async () => {
  assert.deepEqual(await order([
    rec('sentry.apikey', 1, { organization_id: 1 }),
    rec('sentry.team', 1, { organization: 1 }),
    rec('sentry.projectteam', 1, { project: 1, team: 1 }),
    rec('sentry.apikey', 2, { organization_id: 1 }),
    rec('sentry.organization', 1),
    rec('sentry.project', 1, { organization: 1 }),
  ]), ['sentry.organization:1', 'sentry.project:1', 'sentry.apikey:1', 'sentry.apikey:2', 'sentry.team:1', 'sentry.projectteam:1']);
});

test('an export in dependency order passes straight through, and a null or absent foreign key never waits', async () => {
  const inOrder = [rec('sentry.organization', 1), rec('sentry.team', 1, { organization: 1 }), rec('sentry.organizationmember', 1, { organization: 1, user_id: null, inviter_id: null })];
  assert.deepEqual(await order(inOrder), ['sentry.organization:1', 'sentry.team:1', 'sentry.organizationmember:1']);
});

test('once a model waits, its later records wait too, so they keep the order of the file', async () => {
  assert.deepEqual(await order([
    rec('sentry.team', 2, { organization: 1 }),
    rec('sentry.organization', 1),
    rec('sentry.team', 1, { organization: 1 }),
  ]), ['sentry.organization:1', 'sentry.team:2', 'sentry.team:1']);
});
