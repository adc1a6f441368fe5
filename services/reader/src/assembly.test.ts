import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventBatch, ModelBatch } from '@relocate/codec';
import { ModelGraph } from '@relocate/domain';
import { RelocationAssembly } from './assembly.ts';
import { ExportFilter } from './filters.ts';

test('with a filter, the export is spooled and read twice, and the events file after it is still read', async () => {
  const models: ModelBatch[] = [];
  const events: EventBatch[] = [];
  const filtered: Array<{ model: string; pk: number }> = [];
  const assembly = new RelocationAssembly({ batchRecords: 100, batchBytes: 100_000 }, {
    models: async (b) => void models.push(b),
    events: async (b) => void events.push(b),
    filtered: async (r) => void filtered.push(...r),
  }, ModelGraph.load(), ExportFilter.of({ filterOrgSlugs: ['kept'], filterUsernames: null }));
  const org = (pk: number, slug: string) => ({ model: 'sentry.organization', pk, fields: { slug } });
  await assembly.write(Buffer.from(JSON.stringify([org(1, 'kept'), org(2, 'left-out')])));
  await assembly.endExport();
  assembly.startEvents();
  await assembly.write(Buffer.from('{"project": 1}\n{"project": 2}\n'));
  await assembly.endEvents();
  assert.deepEqual(models.map((b) => b.records.map((r) => r.pk)), [[1]]);
  assert.deepEqual(filtered.map((r) => r.pk), [2]);
  assert.deepEqual(events.map((b) => b.events.length), [2]);
});
