import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stageNames, type ImportOptions } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { defaultShape, writeExport } from '@relocate/export-generator';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { type ImportPlan, planImport } from '@relocate/plan';
import { ModelGraph } from '@relocate/domain';
import type { Client } from '@relocate/database';
import { digestTables } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { runCli } from '../harness/processes.ts';

// Batches of 100 records, so the export's 160 users and 320 team memberships span several batches each and the
// plan has to carry what one batch decided into the next.
const batchRecords = '100';
const scratch = mkdtempSync(path.join(tmpdir(), 'relocate-plan-'));
const corpus = (file: string): string => fileURLToPath(new URL(`../corpus/${file}`, import.meta.url));
const danglingExport = corpus('dangling-foreign-key.json');
const defaults: ImportOptions = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null };
let world: TestEnvironment;
let hosted: HostedStages;
let exportPath: string;
let eventsPath: string;
let records: Array<{ model: string; pk: number; fields: Record<string, unknown> }>;

const plan = (args: string[]) => runCli(['plan', ...args], world.env);

const planDeps = () => ({
  pool: world.connections.pool, graph: ModelGraph.load(), site: { urlPrefix: world.config.sentryUrlPrefix },
  batchRecords: world.config.batchRecords, batchBytes: world.config.batchBytes,
});

/** Every table of Sentry's and of relocate's bookkeeping, by content. */
async function everyTable(): Promise<Record<string, string>> {
  const { rows } = await world.connections.pool.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
     WHERE table_schema IN ('public', 'relocate') AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  return digestTables(world.connections.pool, rows.map((r) => r.name));
}

async function relocate(id: string, options: Partial<ImportOptions>, events?: string): Promise<RelocationSummary> {
  const { summary } = await runImport(world.connections, { relocationId: id, exportPath, eventsPath: events, options: { ...defaults, ...options } }, { timeoutMs: 120_000 });
  assert.equal(summary.status, 'success', JSON.stringify(summary.findings));
  return summary;
}

before(async () => {
  world = await testEnvironment('plan', { RELOCATE_BATCH_RECORDS: batchRecords });
  hosted = await hostStages(world.connections, [...stageNames]);
  const shape = { ...defaultShape, organizations: 4, usersPerOrganization: 40, teamsPerOrganization: 3, projectsPerOrganization: 4, optionsPerProject: 1, eventsPerOrganization: 20 };
  ({ exportPath, eventsPath } = await writeExport({ shape, seed: 3, exportPath: path.join(scratch, 'export.json'), eventsPath: path.join(scratch, 'events.ndjson') }));
  records = JSON.parse(readFileSync(exportPath, 'utf8')) as typeof records;
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

test('on a database holding half of the export, the plan predicts the import of the whole, and leaves no trace', async () => {
  const slugs = records.filter((r) => r.model === 'sentry.organization').map((r) => String(r.fields.slug));
  await relocate('plan-half', { filterOrgSlugs: slugs.slice(0, 2) });

  const untouched = await everyTable();
  const run = await plan([exportPath, '--events', eventsPath, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const planned = run.result as ImportPlan;
  assert.equal(planned.status, 'would-succeed');
  assert.deepEqual(await everyTable(), untouched, 'every table (slug reservations, PrimaryKeyMap and findings included) holds exactly what it held before the plan');

  const whole = await relocate('plan-whole', {}, eventsPath);
  assert.deepEqual(planned.models, whole.models, 'the same counts per model');
  assert.equal(planned.events, whole.events);

  const { pool } = world.connections;
  const exported = new Map(records.filter((r) => r.model === 'sentry.user').map((r) => [r.pk, String(r.fields.username)]));
  const { rows: users } = await pool.query<{ old_pk: number; username: string }>(
    `SELECT m.old_pk, u.username FROM relocate.pk_map m JOIN auth_user u ON u.id = m.new_pk WHERE m.relocation_id = 'plan-whole' AND m.model = 'sentry.user'`,
  );
  const renamed = users.filter((u) => exported.get(u.old_pk) !== u.username).map((u) => exported.get(u.old_pk)).sort();
  assert.equal(renamed.length, 80, 'the users of the two organizations already imported are renamed');
  assert.deepEqual(Object.keys(planned.users.renamed).sort(), renamed, 'the same users are renamed');
  for (const [from, to] of Object.entries(planned.users.renamed)) assert.match(to, new RegExp(`^${from.replace(/[.]/g, '\\.')}-[a-z0-9]+$`));

  const changed = (s: Record<string, string>): string[] => Object.entries(s).filter(([a, b]) => a !== b).map(([a]) => a).sort();
  assert.deepEqual(changed(planned.slugs), slugs.slice(0, 2).sort(), 'the slugs already taken change');
  assert.deepEqual(changed(planned.slugs), changed(whole.slugs), 'the same slugs change');

  const exportedKeys = new Map(records.filter((r) => r.model === 'sentry.projectkey').map((r) => [r.pk, r.fields]));
  const { rows: keys } = await pool.query<{ old_pk: number; public_key: string; secret_key: string }>(
    `SELECT m.old_pk, k.public_key, k.secret_key FROM relocate.pk_map m JOIN sentry_projectkey k ON k.id = m.new_pk WHERE m.relocation_id = 'plan-whole' AND m.model = 'sentry.projectkey'`,
  );
  const regenerated = keys.flatMap((k) => (['public_key', 'secret_key'] as const).filter((f) => exportedKeys.get(k.old_pk)?.[f] !== k[f]).map((f) => `${k.old_pk}.${f}`)).sort();
  assert.equal(regenerated.length, 16, 'the keys of the eight projects already imported collide');
  assert.deepEqual(planned.tokens.map((t) => `${t.pk}.${t.field}`).sort(), regenerated, 'the same keys are regenerated');
});

test('one username twice in an export, in two batches: the plan renames the second, as the import does', async () => {
  const user = (pk: number, username: string) => ({ model: 'sentry.user', pk, fields: {
    username, email: `${username}@example.com`, password: 'x', is_staff: false, is_active: true, is_superuser: false, is_managed: false,
    is_password_expired: false, is_unclaimed: false, flags: '0', date_joined: '2023-06-22T22:59:55.488Z', avatar_type: 0,
  } });
  // 100 users fill the first batch; the second holds the first one's username again.
  const file = path.join(scratch, 'twins.json');
  writeFileSync(file, JSON.stringify([user(1, 'split-twin'), ...Array.from({ length: 99 }, (_, i) => user(i + 2, `split-other-${i}`)), user(101, 'split-twin')]));
  const run = await plan([file, '--scope', 'user', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const planned = run.result as ImportPlan;
  const { summary } = await runImport(world.connections, { relocationId: 'plan-twins', exportPath: file, options: { ...defaults, scope: 'USER' } }, { timeoutMs: 60_000 });
  assert.equal(summary.status, 'success');
  assert.deepEqual(planned.models, summary.models);
  assert.deepEqual(Object.keys(planned.users.renamed), ['split-twin']);
  const { rows } = await world.connections.pool.query<{ username: string }>(
    `SELECT u.username FROM relocate.pk_map m JOIN auth_user u ON u.id = m.new_pk WHERE m.relocation_id = 'plan-twins' AND m.model = 'sentry.user' AND m.old_pk IN (1, 101) ORDER BY m.old_pk`,
  );
  assert.equal(rows[0]?.username, 'split-twin');
  assert.match(rows[1]?.username ?? '', /^split-twin-[a-z0-9]+$/);
});

test('Sentry fixtures in global scope, planned and imported twice: the second time PostgreSQL refuses a duplicate integration, and the plan says so', async () => {
  const fixtures = fileURLToPath(new URL('../../../shared/fixtures/sentry/', import.meta.url));
  for (const [round, file] of [[1, 'fresh-install.json'], [1, 'single-integration.json'], [2, 'fresh-install.json'], [2, 'single-integration.json']] as const) {
    const exported = path.join(fixtures, file);
    const options: ImportOptions = { ...defaults, scope: 'GLOBAL' };
    const planned = await planImport(planDeps(), { exportPath: exported, options });
    const { summary } = await runImport(world.connections, { relocationId: `plan-fixture-${round}-${file}`, exportPath: exported, options }, { timeoutMs: 60_000 });
    const errors = (findings: ImportPlan['findings']) => findings.filter((f) => f.severity === 'error').map((f) => [f.stage, f.kind, f.model, f.pk]);
    assert.equal(planned.status === 'would-succeed', summary.status === 'success', `${file}, round ${round}`);
    assert.deepEqual(errors(planned.findings), errors(summary.findings), `${file}, round ${round}`);
    if (summary.status === 'success') assert.deepEqual(planned.models, summary.models, `${file}, round ${round}`);
  }
  assert.equal((await world.connections.pool.query(`SELECT 1 FROM relocate.finding WHERE relocation_id = 'plan-fixture-2-single-integration.json' AND kind = 'IntegrityError'`)).rowCount, 1);
});

test('the human plan names the renamed users, the changed slugs and the counts', async () => {
  const run = await plan([exportPath, '--events', eventsPath, '--filter-org-slugs', String(records.find((r) => r.model === 'sentry.organization')?.fields.slug)]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^plan: the import would succeed$/m);
  assert.match(run.stdout, /sentry\.user {2,}would insert 40, reuse existing 0, overwrite 0/);
  assert.match(run.stdout, /sentry\.email {2,}would insert 0, reuse existing 40, overwrite 0/);
  assert.match(run.stdout, /user ada\.floyd\.0@calm-rocket-0\.example would be renamed ada\.floyd\.0@calm-rocket-0\.example-[a-z0-9]+/);
  assert.match(run.stdout, /organization slug calm-rocket-0 -> calm-rocket-0-[a-z0-9]+ \(taken/);
  assert.match(run.stdout, /\[warning\] reader: FilteredOut: filtered out: not a member of an organization asked for \(model sentry\.user, pk \d+\)/);
  // The events of the three organizations left out go with their projects, each named.
  assert.match(run.stdout, /events to save: 20$/m);
  assert.match(run.stdout, /findings \(828\):/);
});

test('a plan of an import that would fail exits 1 with the finding the import records, and writes nothing', async () => {
  const state = await everyTable();
  const json = await plan([danglingExport, '--json']);
  assert.equal(json.code, 1, json.stderr);
  const p = json.result as ImportPlan;
  assert.equal(p.status, 'would-fail');
  assert.deepEqual(p.findings.filter((f) => f.severity === 'error').map((f) => [f.stage, f.kind, f.model, f.pk, f.field]), [['writer', 'DanglingForeignKey', 'sentry.team', 9, 'organization']]);
  assert.match(p.reason ?? '', /^DanglingForeignKey: refers to sentry\.organization pk 404/);

  const human = await plan([danglingExport]);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /^plan: the import would fail \(DanglingForeignKey: refers to sentry\.organization pk 404/m);
  assert.match(human.stdout, /\[error\] writer: DanglingForeignKey: .* \(model sentry\.team, pk 9, field organization\)/);

  const tampered = await plan([corpus('encrypted-tampered.tar'), '--decrypt-with', corpus('keys/corpus.pem'), '--json']);
  assert.equal(tampered.code, 1, tampered.stderr);
  assert.deepEqual((tampered.result as ImportPlan).findings.map((f) => [f.stage, f.kind]), [['submit', 'DecryptionFailed']]);
  assert.deepEqual(await everyTable(), state);
});

test('a plan holds one transaction per batch, each rolled back, and nothing between batches', async () => {
  // Every statement the plan sends, by the client it is sent on: a COMMIT, or a statement outside BEGIN .. ROLLBACK,
  // would be a trace or a lock held between batches.
  const { pool } = world.connections;
  const transactions: string[][] = [];
  const watched = new WeakSet<Client>();
  let watching = true;
  const watch = (client: Client): void => {
    if (watched.has(client)) return;
    watched.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : '';
      if (watching && text === 'BEGIN') transactions.push([]);
      if (watching) transactions.at(-1)?.push(text);
      return query(...args);
    };
  };
  pool.on('acquire', watch);
  try {
    const p = await planImport(planDeps(), { exportPath, eventsPath, options: defaults });
    assert.equal(p.status, 'would-succeed');
  } finally {
    watching = false;
    pool.off('acquire', watch);
  }
  // At 100 records a batch: users, emails, user emails and members 2 batches each, memberships 4, the five other
  // models 1 each, and the 80 events 1.
  assert.equal(transactions.length, 18);
  for (const t of transactions) {
    assert.equal(t[0], 'BEGIN');
    assert.equal(t.at(-1), 'ROLLBACK');
    assert.ok(!t.some((q) => /^\s*COMMIT/i.test(q)), 'no statement commits');
  }
});
