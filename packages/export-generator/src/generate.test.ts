import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { columnOf, ModelGraph } from '@relocate/domain';
import { type ExportRecord, SyntheticExport } from './generate.ts';
import { defaultShape, type ExportShape, parseBytes, parseRows, shapeForRows, totalRows } from './shape.ts';
import { eventsText, exportText, shapeForBytes, writeExport } from './write.ts';

const fixturePath = fileURLToPath(new URL('../../../../shared/fixtures/sentry/fresh-install.json', import.meta.url));
const small: ExportShape = { ...defaultShape, organizations: 3, usersPerOrganization: 7, teamsPerOrganization: 3, projectsPerOrganization: 4, eventsPerOrganization: 11, options: 2 };

const digest = (gen: SyntheticExport): string => {
  const h = createHash('sha256');
  for (const piece of exportText(gen)) h.update(piece);
  for (const piece of eventsText(gen)) h.update(piece);
  return h.digest('hex');
};

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

test('the same shape and seed give the same export byte for byte; another seed gives another', () => {
  assert.equal(digest(new SyntheticExport(small, 7)), digest(new SyntheticExport(small, 7)));
  assert.notEqual(digest(new SyntheticExport(small, 7)), digest(new SyntheticExport(small, 8)));
});

test('every foreign key points at a record earlier in the export, and every event at an exported project', () => {
  const graph = ModelGraph.load();
  const gen = new SyntheticExport(small, 3);
  const seen = new Map<string, Set<number>>();
  let records = 0;
  for (const r of gen.records()) {
    const relations = graph.get(r.model);
    assert.ok(relations, `${r.model} is a Sentry model`);
    for (const [field, fk] of relations.foreignKeys) {
      const v = r.fields[field];
      if (v === null || v === undefined) {
        assert.ok(fk.nullable, `${r.model} pk ${r.pk}: ${field} may not be null`);
        continue;
      }
      assert.ok(seen.get(fk.model)?.has(v as number), `${r.model} pk ${r.pk}: ${field} = ${String(v)} is not an earlier ${fk.model}`);
    }
    const pks = seen.get(r.model) ?? seen.set(r.model, new Set()).get(r.model) as Set<number>;
    assert.ok(!pks.has(r.pk), `${r.model} pk ${r.pk} appears twice`);
    pks.add(r.pk);
    records++;
  }
  assert.equal(records + gen.eventCount, totalRows(small));
  // Every model of the shape is there, members are invited by someone in the export.
  assert.equal(seen.get('sentry.organizationmember')?.size, 21);
  for (const e of gen.events()) assert.ok(seen.get('sentry.project')?.has(e.project), `event ${e.event_id}: project ${e.project} is not exported`);
});

test('unique keys of the target tables are unique across the export', () => {
  const graph = ModelGraph.load();
  const gen = new SyntheticExport(small, 5);
  const keys = new Set<string>();
  const claim = (key: string): void => {
    assert.ok(!keys.has(key), `duplicate unique key ${key}`);
    keys.add(key);
  };
  for (const r of gen.records()) {
    for (const unique of graph.get(r.model)?.uniques ?? []) {
      const values = unique.map((f) => r.fields[f]);
      // PostgreSQL treats NULLs as distinct, as Django's unique_together does.
      if (values.some((v) => v === null || v === undefined)) continue;
      claim(`${r.model}:${unique.map(columnOf).join(',')}=${JSON.stringify(values).toLowerCase()}`);
    }
  }
  const events = [...gen.events()];
  assert.equal(new Set(events.map((e) => e.event_id)).size, events.length);
  assert.ok(events.every((e) => /^[0-9a-f]{32}$/.test(e.event_id)), 'event ids are 32 hex characters');
});

test("each model's fields have the names and JSON types of Sentry's own export (fresh-install.json)", () => {
  const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as ExportRecord[];
  const sample = new Map<string, ExportRecord>();
  for (const r of fixture) if (!sample.has(r.model)) sample.set(r.model, r);
  const checked = new Set<string>();
  for (const r of new SyntheticExport(small, 11).records()) {
    if (checked.has(r.model)) continue;
    checked.add(r.model);
    const reference = sample.get(r.model);
    assert.ok(reference, `${r.model} has an example in fresh-install.json`);
    assert.deepEqual(Object.keys(r.fields).sort(), Object.keys(reference.fields).sort(), `${r.model} field names`);
    for (const [field, value] of Object.entries(r.fields)) {
      const expected: unknown = reference.fields[field];
      // A JSON column holds any JSON value; elsewhere a null on either side says nothing about the type.
      if (value === null || expected === null || (r.model === 'sentry.projectoption' && field === 'value')) continue;
      assert.equal(jsonType(value), jsonType(expected), `${r.model}.${field}`);
      if (typeof expected === 'string' && /^\d{4}-\d\d-\d\dT/.test(expected)) assert.match(String(value), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `${r.model}.${field} is a datetime`);
    }
  }
  assert.equal(checked.size, 11);
});

test('writeExport streams a parseable export and events file and reports their sizes', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'export-generator-'));
  const written = await writeExport({ shape: small, seed: 2, exportPath: path.join(dir, 'export.json'), eventsPath: path.join(dir, 'events.ndjson') });
  const records = JSON.parse(readFileSync(written.exportPath, 'utf8')) as ExportRecord[];
  const events = readFileSync(written.eventsPath, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { project: number });
  assert.equal(records.length, written.records);
  assert.equal(events.length, written.events);
  assert.equal(written.rows, records.length + events.length);
  assert.equal(written.exportBytes, statSync(written.exportPath).size);
  assert.equal(written.eventsBytes, statSync(written.eventsPath).size);
  assert.equal(written.models['sentry.organizationmemberteam'], 42);
});

test('sizes: rows and bytes choose the shape, and bad sizes are named', async () => {
  assert.equal(totalRows(shapeForRows(parseRows('100k'))), 100_000);
  assert.equal(totalRows(shapeForRows(parseRows('1M'))), 1_000_000);
  assert.ok(totalRows(shapeForRows(50)) >= 20, 'a tiny export still has every model');
  const perOrg = shapeForBytes(parseBytes('8MB'));
  const dir = mkdtempSync(path.join(tmpdir(), 'export-generator-'));
  const w = await writeExport({ shape: perOrg, exportPath: path.join(dir, 'e.json'), eventsPath: path.join(dir, 'e.ndjson') });
  const bytes = w.exportBytes + w.eventsBytes;
  // Within one organization's worth of the size asked for.
  assert.ok(Math.abs(bytes - 8 * 1024 ** 2) < bytes / perOrg.organizations, `8MB export is ${bytes} bytes`);
  assert.throws(() => parseRows('lots'), /--rows takes a count/);
  assert.throws(() => parseBytes('1GiB'), /--size takes a byte size/);
  assert.throws(() => new SyntheticExport({ ...small, teamsPerMember: 5 }), /teamsPerMember \(5\) exceeds teamsPerOrganization \(3\)/);
});
