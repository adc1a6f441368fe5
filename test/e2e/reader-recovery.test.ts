import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stageNames } from '@relocate/codec';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { sentryFixture } from '../harness/fixtures.ts';
import { assertVerified } from '../harness/verify.ts';

const fixture = sentryFixture('fresh-install.json');
const heal = 'DROP TRIGGER IF EXISTS refuse_reader_findings ON relocate.finding';
let world: TestEnvironment;
let hosted: HostedStages;

before(async () => {
  world = await testEnvironment('reader_recovery');
  hosted = await hostStages(world.connections, [...stageNames]);
});

after(async () => {
  await world.connections.pool.query(heal).catch(() => undefined);
  await hosted.stop();
  await disconnect(world.connections);
});

async function rereads(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${hosted.metricsPort}/metrics`)).text();
  return Number(/relocate_rereads_total\{stage="reader"\} (\d+)/.exec(text)?.[1] ?? 0);
}

test('the reader reads a relocation again from its first chunk after the database failed mid-read, and nothing is lost', async () => {
  const pool = world.connections.pool;
  // The reader records what a filter keeps out before it hands on a batch: that write fails until healed.
  await pool.query(`CREATE FUNCTION refuse_reader_findings() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'database unavailable (injected)'; END $$`);
  await pool.query(`CREATE TRIGGER refuse_reader_findings BEFORE INSERT ON relocate.finding FOR EACH ROW WHEN (NEW.stage = 'reader') EXECUTE FUNCTION refuse_reader_findings()`);
  const run = runImport(world.connections, {
    relocationId: 'reader-recovery', exportPath: fixture,
    options: { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: ['testing'], filterUsernames: null },
  }, { timeoutMs: 120_000 });
  const deadline = Date.now() + 30_000;
  while ((await rereads()) === 0) {
    assert.ok(Date.now() < deadline, 'the reader never went back to the first chunk');
    await new Promise((r) => setTimeout(r, 100));
  }
  await pool.query(heal);
  const { summary } = await run;
  assert.equal(summary.status, 'success', JSON.stringify(summary.findings));
  assert.deepEqual(summary.models['sentry.user'], { inserted: 2, existing: 0, overwritten: 0 });
  assert.deepEqual(summary.models['sentry.organizationmember'], { inserted: 3, existing: 0, overwritten: 0 });
  assert.ok(summary.findings.some((f) => f.kind === 'FilteredOut' && f.model === 'sentry.user' && f.pk === 3));
  await assertVerified(pool, 'reader-recovery', fixture);
});
