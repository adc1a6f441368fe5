import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stageNames } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { columnOf, ModelGraph } from '@relocate/domain';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { sentryFixturesDir } from '../harness/fixtures.ts';
import { assertVerified } from '../harness/verify.ts';

const graph = ModelGraph.load();
const fixturesDir = sentryFixturesDir;
const relocatable = graph.names().filter((n) => graph.get(n)?.scopes.some((s) => s !== 'Excluded'));

/**
 * One record of every relocatable model, in dependency order, each pointing at pk 1 of its parents. Fields come
 * from a Sentry fixture record of the model where there is one; unique fields get unique values.
 */
function exportOfEveryModel(): { records: Array<{ model: string; pk: number; fields: Record<string, unknown> }>; unreachable: string[] } {
  const templates = new Map<string, Record<string, unknown>>();
  for (const f of readdirSync(fixturesDir).filter((f) => f.endsWith('.json')).sort()) {
    for (const r of JSON.parse(readFileSync(path.join(fixturesDir, f), 'utf8')) as Array<{ model: string; fields: Record<string, unknown> }>) {
      if (!templates.has(r.model)) templates.set(r.model, r.fields);
    }
  }
  templates.set('sentry.environment', { name: 'production', date_added: '2023-06-22T22:54:28.821Z' });
  templates.set('sentry.savedsearch', { is_global: false, name: 'Unresolved', type: 0, query: 'is:unresolved' });
  const records: Array<{ model: string; pk: number; fields: Record<string, unknown> }> = [];
  const unreachable: string[] = [];
  for (const model of graph.sortedDependencies(relocatable)) {
    const relations = graph.get(model);
    assert.ok(relations);
    const fields: Record<string, unknown> = { ...(templates.get(model) ?? {}) };
    let reachable = true;
    for (const [field, fk] of relations.foreignKeys) {
      if (fk.model === model) fields[field] = null;
      else if (relocatable.includes(fk.model)) fields[field] = 1;
      else if (fk.nullable) fields[field] = null;
      else reachable = false; // its parent is never relocated
    }
    const fkColumns = new Set([...relations.foreignKeys.keys()].map(columnOf));
    for (const u of relations.uniques) for (const f of u) if (!(f in fields) && !fkColumns.has(f)) fields[f] = `${model}-${f}`;
    if (reachable) records.push({ model, pk: 1, fields });
    else unreachable.push(model);
  }
  return { records, unreachable };
}

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
