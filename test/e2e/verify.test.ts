import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { stageNames } from '@relocate/codec';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { sentryFixture } from '../harness/fixtures.ts';
import { runCli } from '../harness/processes.ts';
import { assertVerified } from '../harness/verify.ts';

const fixture = sentryFixture('fresh-install.json');
const eventsFile = fileURLToPath(new URL('../fixtures/fresh-install-events.ndjson', import.meta.url));
const relocationId = 'e2e-verify';
let world: TestEnvironment;
let hosted: HostedStages;

interface VerifyJson { ok: boolean; checked: number; mismatches: Array<{ model: string; pk: number | null; field: string | null; expected: unknown; actual: unknown; reason: string }> }

before(async () => {
  world = await testEnvironment('verify');
  // The target already holds the fixture's organization slug, so the import must suffix it.
  await world.connections.pool.query(`INSERT INTO sentry_organization (name, slug) VALUES ('Existing', 'testing')`);
  hosted = await hostStages(world.connections, [...stageNames]);
  const { summary } = await runImport(world.connections, {
    relocationId, exportPath: fixture, eventsPath: eventsFile,
    options: { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null },
  }, { timeoutMs: 120_000 });
  assert.equal(summary.status, 'success', JSON.stringify(summary.findings));
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

const newPk = async (model: string, oldPk: number): Promise<number> => {
  const { rows } = await world.connections.pool.query<{ new_pk: number }>('SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = $2 AND old_pk = $3', [relocationId, model, oldPk]);
  assert.ok(rows[0], `${model} ${oldPk} is mapped`);
  return rows[0].new_pk;
};

test('a clean relocation verifies: every record, field, reference and event', async () => {
  const r = await assertVerified(world.connections.pool, relocationId, fixture, eventsFile);
  assert.equal(r.checked, 34 + 12, 'the 34 records and 12 events of the files');
});

test('a changed field, a key changed without a collision, a deleted row and a lost event are each named by model, pk and field, and verify exits 1', async () => {
  const pool = world.connections.pool;
  await pool.query(`UPDATE sentry_project SET name = 'Tampered' WHERE id = $1`, [await newPk('sentry.project', 1)]);
  await pool.query('DELETE FROM sentry_projectoptions WHERE id = $1', [await newPk('sentry.projectoption', 3)]);
  // A new key where nothing collided is no regenerated secret.
  await pool.query(`UPDATE sentry_projectkey SET public_key = md5('tampered') WHERE id = $1`, [await newPk('sentry.projectkey', 1)]);
  // And the first event of the file lost from the saved events.
  await pool.query(`DELETE FROM relocate.saved_event WHERE relocation_id = $1 AND event_id = 'db5b5fab8f4d3e27dda1494c73cf256d'`, [relocationId]);
  const run = await runCli(['verify', relocationId, '--export', fixture, '--events', eventsFile, '--json'], world.env);
  assert.equal(run.code, 1, run.stderr.slice(-2000));
  const result = run.result as VerifyJson;
  assert.equal(result.ok, false);
  assert.deepEqual(result.mismatches.map((m) => [m.model, m.pk, m.field, m.expected, m.actual]), [
    ['sentry.project', 1, 'name', 'Internal', 'Tampered'],
    ['sentry.projectkey', 1, 'public_key', 'c1373be35a7944808c8bcfede8097df1', createHash('md5').update('tampered').digest('hex')],
    ['sentry.projectoption', 3, 'id', await newPk('sentry.projectoption', 3), null],
    ['event', 1, null, 'event db5b5fab8f4d3e27dda1494c73cf256d saved', null],
    ['event', null, 'count', 12, 11],
  ]);
  const human = await runCli(['verify', relocationId, '--export', fixture], world.env);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /sentry\.project\n\s+pk 1 {2}name: expected "Internal", actual "Tampered"/);
  assert.match(human.stdout, /sentry\.projectoption\n\s+pk 3 {2}id: expected \d+, actual null \(the PrimaryKeyMap maps it to sentry_projectoptions id \d+, which holds no row\)/);
});
