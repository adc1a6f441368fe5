import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModelGraph } from '@relocate/domain';
import { fixtureColumnTypes, generatedMigration, generateSql } from './sentry-tables.ts';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/sentry/', import.meta.url));
const graph = ModelGraph.load();

test('the committed migration is what the generator writes', () => {
  const committed = readFileSync(new URL(`../migrations/${generatedMigration}`, import.meta.url), 'utf8');
  assert.equal(committed, generateSql(graph, fixtureColumnTypes(fixtures)));
});

test('every relocatable model has a table, by hand or generated', () => {
  const dir = new URL('../migrations/', import.meta.url);
  const sql = readdirSync(dir).filter((f) => f.endsWith('.sql')).map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');
  const missing = graph.names().filter((n) => graph.get(n)?.scopes.some((s) => s !== 'Excluded')).filter((n) => !sql.includes(`CREATE TABLE ${graph.get(n)?.tableName} (`));
  assert.deepEqual(missing, []);
});

test('fixture values give column types; mixed numbers and strings become jsonb', () => {
  const types = fixtureColumnTypes(fixtures);
  assert.equal(types.get('sentry.integration')?.get('date_added'), 'timestamptz');
  assert.equal(types.get('sentry.integration')?.get('status'), 'bigint');
  assert.equal(types.get('sentry.option')?.get('value'), 'jsonb');
});
