import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelGraph, DependencyCycleError, columnOf } from './model-graph.ts';

const graph = ModelGraph.load();

test('the write order puts every dependency before its dependents', () => {
  const order = graph.sortedDependencies();
  const at = new Map(order.map((m, i) => [m, i]));
  assert.equal(order.length, graph.names().length);
  for (const m of order) for (const d of graph.dependenciesOf(m)) assert.ok((at.get(d) ?? -1) < (at.get(m) ?? -1), `${d} before ${m}`);
});

test('95 models are in some relocation scope, as the spec counts', () => {
  assert.equal(graph.names().filter((n) => !graph.get(n)?.scopes.every((s) => s === 'Excluded')).length, 95);
});

test('a cycle is reported with the models in it', () => {
  const g = new ModelGraph([
    { model: 'a.x', tableName: 'x', foreignKeys: new Map([['y', { model: 'a.y', kind: 'FlexibleForeignKey', nullable: false }]]), scopes: ['User'], uniques: [], relocationDependencies: [], silos: [] },
    { model: 'a.y', tableName: 'y', foreignKeys: new Map([['x', { model: 'a.x', kind: 'FlexibleForeignKey', nullable: false }]]), scopes: ['User'], uniques: [], relocationDependencies: [], silos: [] },
  ]);
  assert.throws(() => g.sortedDependencies(), (e: unknown) => e instanceof DependencyCycleError && e.models.join() === 'a.x,a.y');
});

test('foreign key fields map to Django columns', () => {
  assert.equal(columnOf('organization'), 'organization_id');
  assert.equal(columnOf('user_id'), 'user_id');
});
