import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventBatch, ModelBatch } from '@relocate/codec';
import { BadInputError, ModelGraph } from '@relocate/domain';
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
  const project = (pk: number, organization: number) => ({ model: 'sentry.project', pk, fields: { organization, slug: `p${pk}` } });
  await assembly.write(Buffer.from(JSON.stringify([org(1, 'kept'), org(2, 'left-out'), project(1, 1), project(2, 2)])));
  await assembly.endExport();
  assembly.startEvents();
  await assembly.write(Buffer.from('{"project": 1}\n{"project": 2}\n'));
  await assembly.endEvents();
  assert.deepEqual(models.map((b) => [b.model, b.records.map((r) => r.pk)]), [['sentry.organization', [1]], ['sentry.project', [1, 2]]]);
  assert.deepEqual(filtered.map((r) => `${r.model}:${r.pk}`), ['sentry.organization:2']);
  // Project 2 is the writer's to drop with its organization; its event goes on, and the event saver drops it then.
  assert.deepEqual(events.map((b) => b.events.length), [2]);
});

for (const [line, reason] of [
  ['{"project": 7}', 'event #2 refers to project pk 7, which is not in the export'],
  ['{"project": "1"}', 'event #2 has no integer "project" (the export\'s project pk)'],
  ['{"message": "no project"}', 'event #2 has no integer "project" (the export\'s project pk)'],
] as const) {
  test(`an event that names no project of the export fails the read, named by its number: ${line}`, async () => {
    const assembly = new RelocationAssembly({ batchRecords: 100, batchBytes: 100_000 }, {
      models: async () => undefined, events: async () => undefined, filtered: async () => undefined,
    }, ModelGraph.load());
    await assembly.write(Buffer.from(JSON.stringify([{ model: 'sentry.organization', pk: 1, fields: { slug: 'o' } }, { model: 'sentry.project', pk: 1, fields: { organization: 1, slug: 'p' } }])));
    await assembly.endExport();
    assembly.startEvents();
    await assembly.write(Buffer.from(`{"project": 1}\n${line}\n`));
    await assert.rejects(assembly.endEvents(), (err: unknown) => {
      assert.ok(err instanceof BadInputError);
      assert.deepEqual(err.finding, { severity: 'error', kind: 'InvalidEvent', model: 'event', pk: 2, field: 'project', reason });
      return true;
    });
  });
}

test('with events to follow, projects and what they need are handed on first, the rest after them in dependency order', async () => {
  const read = async (projectsFirst: boolean): Promise<string[]> => {
    const models: ModelBatch[] = [];
    const assembly = new RelocationAssembly({ batchRecords: 100, batchBytes: 100_000 }, {
      models: async (b) => void models.push(b), events: async () => undefined, filtered: async () => undefined,
    }, ModelGraph.load(), undefined, projectsFirst);
    await assembly.write(Buffer.from(JSON.stringify([
      { model: 'sentry.user', pk: 1, fields: { username: 'a' } },
      { model: 'sentry.user', pk: 2, fields: { username: 'b' } },
      { model: 'sentry.organization', pk: 1, fields: { slug: 'o' } },
      { model: 'sentry.organizationmember', pk: 1, fields: { organization: 1, user_id: 1 } },
      { model: 'sentry.project', pk: 1, fields: { organization: 1, slug: 'p' } },
      { model: 'sentry.projectkey', pk: 1, fields: { project: 1 } },
      { model: 'sentry.organizationmember', pk: 2, fields: { organization: 1, user_id: 2 } },
    ])));
    await assembly.endExport();
    return models.map((b) => `${b.model}:${b.minOrdinal}:${b.records.map((r) => r.pk).join(',')}`);
  };
  assert.deepEqual(await read(false), [
    'sentry.user:1:1,2', 'sentry.organization:1:1', 'sentry.organizationmember:1:1', 'sentry.project:1:1', 'sentry.projectkey:1:1', 'sentry.organizationmember:2:2',
  ]);
  // Each model's ordinals stay those of its records in the file, so a batch keeps its idempotency key either way.
  assert.deepEqual(await read(true), [
    'sentry.organization:1:1', 'sentry.project:1:1', 'sentry.user:1:1,2', 'sentry.organizationmember:1:1', 'sentry.projectkey:1:1', 'sentry.organizationmember:2:2',
  ]);
});
