import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { consumerGroupOf, stageNames } from '@relocate/codec';
import { getRelocation } from '@relocate/database';
import type { TestEnvironment } from '../harness/environment.ts';
import { untilPipelineWaitsOnLock } from '../harness/locks.ts';
import { startCli, waitForStages } from '../harness/processes.ts';
import { assertSameOutcome, exportOf, faultFile, faultWorld, midStage, outcomeOf, random, relocate, seed } from './fault-harness.ts';

// A stage that is alive but slow: a PostgreSQL lock on the writer's PrimaryKeyMap, taken mid-relocation and held
// for three times the consumer session. The stages heartbeat beside the blocked batch, so none is evicted or
// restarted, and the relocation ends as a clean run does.
const relocationId = 'fault-a';
const next = random(seed + 2);
const { reference, processes } = faultFile();

/** Each stage group's member ids: a member evicted or rebuilt comes back under a new id. */
async function members(world: TestEnvironment): Promise<string[]> {
  const admin = world.connections.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups(stageNames.map((s) => consumerGroupOf(world.config.topicPrefix, s)));
    return groups.flatMap((g) => g.members.map((m) => `${g.groupId}/${m.memberId}`)).sort();
  } finally {
    await admin.disconnect();
  }
}

test('a PostgreSQL lock held for 3x the session timeout mid-relocation: no stage evicted or restarted, the state of a clean run', async (t) => {
  const world = await faultWorld('lock');
  const host = startCli(['run'], world.env);
  processes.push(host);
  await waitForStages(world.connections, [...stageNames]);
  const relocation = relocate(world, relocationId, await exportOf(1));
  // Early enough (10-45% of the rows) that the writer has batches left to map: with the events saved beside the
  // models, a relocation whose writer is at 80% may end before any of its queries meets the lock.
  const when = await midStage(world, 'writer', () => next() / 2, reference());
  const holdMs = 3 * world.config.sessionTimeoutMs;
  const lock = new pg.Client({ connectionString: world.config.databaseUrl, application_name: 'fault-lock' });
  await lock.connect();
  const before = await members(world);
  try {
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE relocate.pk_map IN ACCESS EXCLUSIVE MODE');
    await untilPipelineWaitsOnLock(world.connections.pool, holdMs);
    await sleep(holdMs);
    assert.equal((await getRelocation(world.connections.pool, relocationId))?.completed_at ?? null, null, 'the relocation was still under way while the lock was held');
    assert.deepEqual(await members(world), before, 'no member left its group while the lock was held');
  } finally {
    await lock.query('COMMIT').catch(() => undefined);
    await lock.end();
  }
  t.diagnostic(`locked relocate.pk_map at ${when} for ${holdMs} ms`);
  const summary = await relocation;
  assert.equal(summary.status, 'success', JSON.stringify(summary.findings.slice(0, 3)));
  assertSameOutcome(await outcomeOf(world), reference());
  assert.deepEqual(await members(world), before, 'no stage was evicted or restarted');
  assert.doesNotMatch(host.output(), /consumer crashed|not aware of this member/);
});
