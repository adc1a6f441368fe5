import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stageNames, type ImportOptions } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { defaultShape, type ExportShape, fillRegion, SyntheticExport, writeExport, type WrittenExport } from '@relocate/export-generator';
import { ModelGraph } from '@relocate/domain';
import { BatchWriter, modelRules, type ModelRule, writeForRelocation } from '@relocate/model-writer';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { observeQueries } from '../../bench/contestants/sql-trace.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { exportOfEveryModel } from '../harness/every-model.ts';

/**
 * Every statement the stages send while relocating into a populated region is served by an index. The region
 * holds 100k users with their emails, 100k organizations with their slug reservations, and the PrimaryKeyMap,
 * import chunks and findings of 100 earlier relocations; it holds every username, email and slug of the export.
 * The statements are not listed by hand: the test records each one the stages actually send (so a new rule's
 * lookup is caught the first time it runs) and checks that every rule's lookups ran. Each distinct statement is
 * then planned with the parameters it was sent with, twice: as PostgreSQL would run it, where a sequential scan
 * of a table of 100k rows or more fails; and with sequential scans priced out (enable_seqscan off), where a
 * sequential scan that remains means no index can serve the statement at all, whatever the table's size today.
 */

const bigTable = 100_000;
const shape: ExportShape = { ...defaultShape, organizations: 2, usersPerOrganization: 40, teamsPerOrganization: 3, projectsPerOrganization: 3, eventsPerOrganization: 60 };
const seed = 7;
const defaults: ImportOptions = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null };

let world: TestEnvironment;
let hosted: HostedStages;
let written: WrittenExport;
const statements = new Map<string, unknown[] | undefined>();
const rulesRan = new Set<string>();
const summaries: RelocationSummary[] = [];

type Hook = 'resolveCollisions' | 'beforeInsert' | 'afterInsert';
const hooks: Hook[] = ['resolveCollisions', 'beforeInsert', 'afterInsert'];

/** Notes each rule hook that is given rows, so the test knows the lookups of every rule were recorded. */
function watchRules(): string[] {
  const expected: string[] = [];
  for (const [model, rule] of modelRules) {
    for (const hook of hooks) {
      const original = rule[hook] as NonNullable<ModelRule[Hook]> | undefined;
      if (!original) continue;
      expected.push(`${model} ${hook}`);
      (rule as Record<Hook, ModelRule[Hook]>)[hook] = (rows, ctx) => {
        if (rows.length > 0) rulesRan.add(`${model} ${hook}`);
        return original.call(rule, rows, ctx);
      };
    }
  }
  return expected;
}
const watched = watchRules();

async function relocate(id: string, exportPath: string, options: Partial<ImportOptions>, eventsPath?: string): Promise<RelocationSummary> {
  const { summary } = await runImport(world.connections, { relocationId: id, exportPath, ...(eventsPath ? { eventsPath } : {}), options: { ...defaults, ...options } }, { timeoutMs: 180_000 });
  assert.equal(summary.status, 'success', `${id}: ${JSON.stringify(summary.findings.filter((f) => f.severity === 'error'))}`);
  summaries.push(summary);
  return summary;
}

before(async () => {
  world = await testEnvironment('region_lookups', { RELOCATE_BATCH_RECORDS: '50' });
  const dir = mkdtempSync(path.join(tmpdir(), 'relocate-region-'));
  written = await writeExport({ shape, seed, exportPath: path.join(dir, 'export.json'), eventsPath: path.join(dir, 'events.ndjson') });
  const exported = new SyntheticExport(shape, seed);
  await fillRegion(world.connections.pool, exported, { users: bigTable, organizations: bigTable, collide: 1 });
  hosted = await hostStages(world.connections, [...stageNames]);
  const stop = observeQueries((text, values) => {
    if (!statements.has(text)) statements.set(text, values);
    return undefined;
  });
  try {
    // Every name taken: usernames get suffixes, emails are reused, slugs get suffixes.
    await relocate('region-renamed', written.exportPath, {}, written.eventsPath);
    // Merging into the residents; one organization filtered out, so its dependants follow it out (the lookup of
    // dropped parents is the one statement the writer's event remapping shares). Without events: a filtered
    // relocation with an events file stalls in the reader, a separate issue.
    await relocate('region-merged', written.exportPath, { mergeUsers: true, filterOrgSlugs: [exported.organizationIdentity(0).slug] });
    // One record of every relocatable model, in global scope: the rules of tokens, keys, monitors, configs, projects.
    const everyModel = path.join(dir, 'every-model.json');
    writeFileSync(everyModel, JSON.stringify(exportOfEveryModel().records));
    await relocate('region-every-model', everyModel, { scope: 'GLOBAL' });
  } finally {
    stop();
  }
});

after(async () => {
  await hosted?.stop();
  await disconnect(world.connections);
});

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; Schema?: string; Plans?: PlanNode[] }

function seqScans(node: PlanNode): Array<{ relation: string }> {
  const own = node['Node Type'] === 'Seq Scan' && node.Schema !== 'pg_catalog' && node.Schema !== 'information_schema'
    ? [{ relation: `${node.Schema}.${node['Relation Name']}` }] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}

const planned = /^\s*(select|insert|update|delete|with)\b/i;

async function plan(text: string, values: unknown[] | undefined, seqscan: boolean): Promise<PlanNode> {
  const client = await world.connections.pool.connect();
  try {
    await client.query('BEGIN');
    if (!seqscan) await client.query('SET LOCAL enable_seqscan = off');
    // sql-audit covers shipped code only; this is the statement as a stage sent it, planned and never run.
    const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (VERBOSE, FORMAT JSON) ${text}`, values);
    return rows[0]?.['QUERY PLAN'][0]?.Plan as PlanNode;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

test('the relocations collided with the region everywhere: renamed users and slugs, reused emails, merged users', () => {
  const [renamed, merged] = summaries;
  const users = shape.organizations * shape.usersPerOrganization;
  assert.deepEqual(renamed?.models['sentry.user'], { inserted: users, existing: 0, overwritten: 0 });
  assert.deepEqual(renamed?.models['sentry.email'], { inserted: 0, existing: users, overwritten: 0 });
  assert.ok(Object.entries(renamed?.slugs ?? {}).every(([requested, final]) => final.startsWith(`${requested}-`)), JSON.stringify(renamed?.slugs));
  assert.deepEqual(merged?.models['sentry.user'], { inserted: 0, existing: shape.usersPerOrganization, overwritten: 0 });
  assert.ok(merged?.findings.some((f) => f.kind === 'DroppedWithParent' && f.model === 'sentry.project'), 'projects of the filtered organization were dropped with it');
});

test('every rule that looks up the target ran on rows, so its statements were recorded', () => {
  assert.deepEqual(watched.filter((w) => !rulesRan.has(w)), []);
});

test('no statement the stages send scans a table of 100k rows, or needs a scan no index can replace', async () => {
  const pool = world.connections.pool;
  const { rows: sizes } = await pool.query<{ relation: string; tuples: number }>(
    `SELECT n.nspname || '.' || c.relname AS relation, c.reltuples::bigint AS tuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname IN ('public', 'relocate')`);
  const tuples = new Map(sizes.map((s) => [s.relation, Number(s.tuples)]));
  for (const table of ['public.auth_user', 'public.sentry_email', 'public.sentry_organization', 'public.sentry_organizationslugreservation', 'relocate.pk_map', 'relocate.import_chunk', 'relocate.finding']) {
    assert.ok((tuples.get(table) ?? 0) >= bigTable, `${table} holds ${tuples.get(table)} rows`);
  }
  const checked = [...statements].filter(([text]) => planned.test(text));
  assert.ok(checked.length > 50, `recorded ${checked.length} statements`);
  const failures: string[] = [];
  for (const [text, values] of checked) {
    const shown = text.replace(/\s+/g, ' ').trim().slice(0, 300);
    for (const s of seqScans(await plan(text, values, true))) {
      if ((tuples.get(s.relation) ?? 0) >= bigTable) failures.push(`scans ${s.relation} (${tuples.get(s.relation)} rows): ${shown}`);
    }
    for (const s of seqScans(await plan(text, values, false))) failures.push(`no index serves its scan of ${s.relation}: ${shown}`);
  }
  assert.deepEqual(failures, []);
});

test('two relocations racing for the same usernames: the unique index decides and the loser draws again, never failing', async () => {
  const pool = world.connections.pool;
  const writer = new BatchWriter(ModelGraph.load(), { urlPrefix: world.config.sentryUrlPrefix });
  const names = Array.from({ length: 20 }, (_, i) => `racer-${i}@race.example`);
  const batch = { model: 'sentry.user', minOrdinal: 1, records: names.map((n, i) => ({ pk: i + 1, fields: JSON.stringify({ username: n, email: n, name: 'Racer', password: 'x' }) })) };
  await pool.query(`INSERT INTO relocate.relocation (id, options) VALUES ('race-first', $1), ('race-second', $1)`, [defaults]);
  const first = await pool.connect();
  try {
    // The first relocation has written the names and not committed: the second's lookup cannot see them yet.
    await first.query('BEGIN');
    await writer.write(first, 'race-first', defaults, batch);
    const second = writeForRelocation(pool, writer, 'writer', 'race-second', batch);
    const blocked = async (): Promise<boolean> => (await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "auth_user"%'`)).rows[0]?.n === 1;
    const deadline = Date.now() + 20_000;
    while (!(await blocked())) {
      assert.ok(Date.now() < deadline, 'the second relocation never waited on the unique index');
      await new Promise((r) => setTimeout(r, 50));
    }
    await first.query('COMMIT');
    const entries = await second;
    assert.equal(entries?.length, names.length);
  } finally {
    first.release();
  }
  const { rows } = await pool.query<{ relocation_id: string; username: string }>(
    `SELECT m.relocation_id, u.username FROM relocate.pk_map m JOIN auth_user u ON u.id = m.new_pk
     WHERE m.relocation_id IN ('race-first', 'race-second') AND m.model = 'sentry.user' ORDER BY m.old_pk`);
  const of = (id: string): string[] => rows.filter((r) => r.relocation_id === id).map((r) => r.username);
  assert.deepEqual(of('race-first'), names);
  of('race-second').forEach((u, i) => assert.match(u, new RegExp(`^racer-${i}@race\\.example-[a-z0-79]{2,}$`)));
});
