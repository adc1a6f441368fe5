import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stageNames } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { columnOf, ModelGraph } from '@relocate/domain';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { exportOfEveryModel } from '../harness/every-model.ts';
import { assertVerified } from '../harness/verify.ts';

const graph = ModelGraph.load();
const relocatable = graph.names().filter((n) => graph.get(n)?.scopes.some((s) => s !== 'Excluded'));

let world: TestEnvironment;
let hosted: HostedStages;
let summary: RelocationSummary;
let file: string;
const { records, unreachable } = exportOfEveryModel();

before(async () => {
  world = await testEnvironment('every_model');
  hosted = await hostStages(world.connections, [...stageNames]);
  file = path.join(mkdtempSync(path.join(tmpdir(), 'relocate-every-')), 'export.json');
  writeFileSync(file, JSON.stringify(records));
  ({ summary } = await runImport(world.connections, { relocationId: 'every-model', exportPath: file, options: {
    scope: 'GLOBAL', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null,
  } }, { timeoutMs: 120_000 }));
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

test('a record of every relocatable model is written in global scope', () => {
  assert.equal(summary.status, 'success', JSON.stringify(summary.findings));
  assert.deepEqual(unreachable, ['workflow_engine.workflowgroupstatus'], 'only a model whose parent is never relocated is left out');
  assert.equal(records.length, relocatable.length - 1);
  for (const r of records) assert.deepEqual(summary.models[r.model], { inserted: 1, existing: 0, overwritten: 0 }, r.model);
});

test('verify finds every field of every model as the export has it, or as an allowed difference', async () => {
  await assertVerified(world.connections.pool, 'every-model', file);
});

test("each written row's foreign keys point at its parents' new pks", async () => {
  const pool = world.connections.pool;
  const { rows: map } = await pool.query<{ model: string; new_pk: number }>(`SELECT model, new_pk FROM relocate.pk_map WHERE relocation_id = 'every-model'`);
  const newPk = new Map(map.map((m) => [m.model, m.new_pk]));
  let checked = 0;
  for (const r of records) {
    const relations = graph.get(r.model);
    assert.ok(relations);
    const { rows } = await pool.query<Record<string, unknown>>(`SELECT * FROM ${relations.tableName} WHERE id = $1`, [newPk.get(r.model)]);
    assert.equal(rows.length, 1, r.model);
    for (const [field, fk] of relations.foreignKeys) {
      if (r.fields[field] !== 1) continue;
      assert.equal(Number(rows[0]?.[columnOf(field)]), newPk.get(fk.model), `${r.model}.${field}`);
      checked++;
    }
  }
  assert.ok(checked > 100, `checked ${checked} foreign keys`);
});
