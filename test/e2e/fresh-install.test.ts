import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stageNames, type EventstreamInsert } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { columnOf, ModelGraph } from '@relocate/domain';
import { disconnect } from '@relocate/pipeline';
import { digestTables, rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { runCli, type Service, startService, stopService, waitForStages } from '../harness/processes.ts';
import { readTopic } from '../harness/topics.ts';
import { sentryFixture } from '../harness/fixtures.ts';

const fixture = sentryFixture('fresh-install.json');
const eventsFile = fileURLToPath(new URL('../fixtures/fresh-install-events.ndjson', import.meta.url));
const eventIds = readFileSync(eventsFile, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { event_id: string }).event_id).sort();
const records = JSON.parse(readFileSync(fixture, 'utf8')) as Array<{ model: string }>;
const relocationId = 'e2e-fresh-install';
const graph = ModelGraph.load();

// Sentry tables the fixture writes to, with the rows the import adds to them.
const expectedRows = Object.entries(
  records.reduce<Record<string, number>>((acc, r) => {
    const table = graph.get(r.model)?.tableName as string;
    acc[table] = (acc[table] ?? 0) + 1;
    return acc;
  }, {}),
);
const sentryTables = [...expectedRows.map(([t]) => t), 'sentry_organizationslugreservation', 'sentry_release', 'sentry_environment', 'sentry_release_project', 'sentry_environmentproject'];

let world: TestEnvironment;
let services: Service[] = [];
let first: RelocationSummary;
let cliOutput = '';

before(async () => {
  world = await testEnvironment('fresh_install');
  // An organization that already holds the fixture's slug, as on a live Sentry.
  await world.connections.pool.query(`INSERT INTO sentry_organization (name, slug) VALUES ('Existing', 'testing')`);
  // Info-level logs, so the secret scan below reads what an operator's log pipeline would collect.
  services = stageNames.map((s) => startService(s, { ...world.env, LOG_LEVEL: 'info' }));
  await waitForStages(world.connections, [...stageNames]);
  const run = await runCli(['import', fixture, '--events', eventsFile, '--scope', 'global', '--relocation-id', relocationId, '--json'], { ...world.env, LOG_LEVEL: 'info' });
  assert.equal(run.code, 0, `import failed:\n${run.stdout}\n${run.stderr.slice(-3000)}`);
  cliOutput = run.stdout + run.stderr;
  first = run.result as RelocationSummary;
});

after(async () => {
  const codes = await Promise.all(services.map((s) => stopService(s)));
  await disconnect(world.connections);
  assert.deepEqual(codes, stageNames.map(() => 0), 'every service stops gracefully on SIGTERM');
});

test('the CLI hands the relocation to the five running services and reports success', () => {
  assert.equal(first.status, 'success');
  assert.equal(first.relocationId, relocationId);
  assert.deepEqual(first.findings, []);
  assert.equal(first.events, eventIds.length);
  const inserted = Object.values(first.models).reduce((n, m) => n + m.inserted, 0);
  assert.equal(inserted, records.length);
});

test('relocate verify finds every record, field and event of the files in the database', async () => {
  const run = await runCli(['verify', relocationId, '--export', fixture, '--events', eventsFile, '--json'], world.env);
  assert.equal(run.code, 0, run.stdout.slice(-3000));
  assert.deepEqual(run.result, { ok: true, checked: records.length + eventIds.length, mismatches: [] });
});

test('each table holds exactly the fixture rows', async () => {
  for (const [table, n] of expectedRows) {
    const existing = table === 'sentry_organization' ? 1 : 0;
    assert.equal(await rowCount(world.connections.pool, table), n + existing, table);
  }
});

test('every foreign key of an imported row points at a remapped row of this relocation', async () => {
  const pool = world.connections.pool;
  let checked = 0;
  for (const model of new Set(records.map((r) => r.model))) {
    const relations = graph.get(model);
    assert.ok(relations);
    for (const [field, fk] of relations.foreignKeys) {
      const column = columnOf(field);
      const { rows: has } = await pool.query(`SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`, [relations.tableName, column]);
      if (has.length === 0) continue;
      const counts: { rows: Array<{ dangling: number; total: number }> } = await pool.query(
        `SELECT count(*) FILTER (WHERE t.${column} IS NOT NULL AND t.${column} NOT IN (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = $3))::int AS dangling,
                count(t.${column})::int AS total
         FROM ${relations.tableName} t WHERE t.id IN (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = $2)`,
        [relocationId, model, fk.model],
      );
      assert.equal(counts.rows[0]?.dangling, 0, `${model}.${field} -> ${fk.model}`);
      checked += counts.rows[0]?.total ?? 0;
    }
  }
  assert.ok(checked >= 20, `checked ${checked} foreign key values`);
});

test('a slug collision with an existing organization gives a new unique slug and its reservation', async () => {
  const finalSlug = first.slugs.testing;
  assert.ok(finalSlug, 'the summary reports the slug change');
  assert.match(finalSlug, /^testing-[a-z0-79]{2,}$/);
  const { rows } = await world.connections.pool.query<{ slug: string; status: number; reserved: string; type: number }>(
    `SELECT o.slug, o.status, r.slug AS reserved, r.reservation_type AS type FROM sentry_organization o
     JOIN sentry_organizationslugreservation r ON r.organization_id = o.id
     WHERE o.id = (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.organization')`,
    [relocationId],
  );
  assert.deepEqual(rows, [{ slug: finalSlug, status: 0, reserved: finalSlug, type: 0 }]);
  assert.equal(await rowCount(world.connections.pool, `sentry_organization WHERE slug = 'testing' AND name = 'Existing'`), 1);
});

test('each event of the events file is on the eventstream once, keyed by its new project', async () => {
  const messages = await readTopic(world.connections, world.connections.topics.eventstream);
  const decoded = await Promise.all(messages.map(async (m) => ({ key: m.message.key?.toString(), value: await world.connections.codec.decode<EventstreamInsert>(m.message.value as Buffer) })));
  assert.deepEqual(decoded.map((d) => d.value.eventId).sort(), eventIds);
  const { rows } = await world.connections.pool.query<{ new_pk: number }>(`SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.project'`, [relocationId]);
  for (const d of decoded) {
    assert.equal(d.value.projectId, rows[0]?.new_pk);
    assert.equal(d.key, String(rows[0]?.new_pk));
    assert.equal(d.value.relocationId, relocationId);
  }
  assert.equal(await rowCount(world.connections.pool, 'sentry_release'), 2);
  assert.equal(await rowCount(world.connections.pool, 'sentry_environment'), 2);
});

test('imported users keep global-scope privileges and passwords', async () => {
  const { rows } = await world.connections.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth_user WHERE is_superuser AND password LIKE 'pbkdf2_sha256$150000$%'`);
  assert.equal(rows[0]?.n, 2);
});

test('running the same relocation id again changes nothing', async () => {
  const pool = world.connections.pool;
  const before = await digestTables(pool, [...sentryTables, 'relocate.pk_map', 'relocate.import_chunk', 'relocate.saved_event']);
  const eventstreamBefore = (await readTopic(world.connections, world.connections.topics.eventstream)).length;
  const again = await runCli(['import', fixture, '--events', eventsFile, '--scope', 'global', '--relocation-id', relocationId, '--json'], world.env);
  assert.equal(again.code, 0, again.stderr.slice(-2000));
  const summary = again.result as RelocationSummary;
  assert.equal(summary.status, 'success');
  assert.deepEqual(summary.models, first.models);
  assert.deepEqual(summary.slugs, first.slugs);
  assert.deepEqual(await digestTables(pool, [...sentryTables, 'relocate.pk_map', 'relocate.import_chunk', 'relocate.saved_event']), before);
  assert.equal((await readTopic(world.connections, world.connections.topics.eventstream)).length, eventstreamBefore);
});

test('no log line of the run carries a password hash, secret, key or validation hash from the export', () => {
  const secretFields = new Set(['password', 'client_secret', 'secret_key', 'validation_hash', 'token']);
  const secrets = (JSON.parse(readFileSync(fixture, 'utf8')) as Array<{ fields: Record<string, unknown> }>)
    .flatMap((r) => Object.entries(r.fields).filter(([k, v]) => secretFields.has(k) && typeof v === 'string' && v.length >= 8).map(([, v]) => v as string));
  assert.ok(secrets.length >= 8, `found ${secrets.length} secrets to look for`);
  const logs = services.map((s) => s.output()).join('\n') + cliOutput;
  assert.ok(logs.includes('"level":30'), 'info-level logs were collected');
  for (const secret of secrets) assert.ok(!logs.includes(secret), `a log line carries ${secret.slice(0, 6)}...`);
});

