import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { columnOf, ModelGraph } from '@relocate/domain';
import { sentryFixturesDir } from './fixtures.ts';

const graph = ModelGraph.load();
const fixturesDir = sentryFixturesDir;
const relocatable = graph.names().filter((n) => graph.get(n)?.scopes.some((s) => s !== 'Excluded'));

/**
 * One record of every relocatable model, in dependency order, each pointing at pk 1 of its parents. Fields come
 * from a Sentry fixture record of the model where there is one; unique fields get unique values.
 */
export function exportOfEveryModel(): { records: Array<{ model: string; pk: number; fields: Record<string, unknown> }>; unreachable: string[] } {
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

