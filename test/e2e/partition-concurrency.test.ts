import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stageNames } from '@relocate/codec';
import { getRelocation, startRelocation } from '@relocate/database';
import { disconnect, hostStages, type HostedStages, partitionOfKey, runImport } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { untilPipelineWaitsOnLock } from '../harness/locks.ts';

// One process hosts every stage. Relocation `slow` is held at the writer by a lock on one of its rows (an
// uncommitted PrimaryKeyMap entry for its first record, as a concurrent writer would hold); relocation `fresh`, on
// the other partition, submitted after it, must finish while `slow` is still held. kafkajs waits for every batch of
// a fetch before it fetches again, so with one consumer per stage `fresh` would wait for `slow`.
const exportPath = fileURLToPath(new URL('../../examples/acme-export.json', import.meta.url));
// Shares no unique value with the example (an uncommitted email of `slow` would hold up a second copy of it).
const otherExport = fileURLToPath(new URL('../corpus/unknown-model.json', import.meta.url));
const options = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null } as const;
let world: TestEnvironment;
let hosted: HostedStages;

before(async () => {
  world = await testEnvironment('partition_concurrency');
  hosted = await hostStages(world.connections, [...stageNames]);
});
after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

/** The first id of the form `<prefix>-<n>` that lands on the partition. */
const idOn = (prefix: string, partition: number): string => {
  for (let n = 0; ; n++) if (partitionOfKey(`${prefix}-${n}`, world.config.partitions) === partition) return `${prefix}-${n}`;
};

test('a relocation held at the writer delays only its own partition: one on another partition finishes meanwhile', async () => {
  const slow = idOn('slow', 0);
  const fresh = idOn('fresh', 1);
  await startRelocation(world.connections.pool, slow, { ...options });
  const lock = new pg.Client({ connectionString: world.config.databaseUrl, application_name: 'test-lock' });
  await lock.connect();
  let slowRun: ReturnType<typeof runImport> | undefined;
  try {
    await lock.query('BEGIN');
    await lock.query(`INSERT INTO relocate.pk_map (relocation_id, model, old_pk, new_pk, kind) VALUES ($1, 'sentry.email', 100, -1, 'INSERTED')`, [slow]);
    slowRun = runImport(world.connections, { relocationId: slow, exportPath, options: { ...options } }, { timeoutMs: 120_000 });
    await untilPipelineWaitsOnLock(world.connections.pool, 60_000);
    const { summary } = await runImport(world.connections, { relocationId: fresh, exportPath: otherExport, options: { ...options } }, { timeoutMs: 60_000 });
    assert.equal(summary.status, 'success');
    assert.equal((await getRelocation(world.connections.pool, slow))?.completed_at ?? null, null, 'the slow relocation is still held');
  } finally {
    slowRun?.catch(() => undefined); // awaited below when the test gets there
    await lock.query('ROLLBACK').catch(() => undefined);
    await lock.end();
  }
  const { summary } = await slowRun;
  assert.equal(summary.status, 'success');
  assert.deepEqual(summary.models['sentry.email'], { inserted: 3, existing: 0, overwritten: 0 });
});
