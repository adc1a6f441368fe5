import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type PipelineRecord, stageNames } from '@relocate/codec';
import { listFindings } from '@relocate/database';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { untilPipelineWaitsOnLock } from '../harness/locks.ts';
import { readTopic } from '../harness/topics.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'relocate-events-beside-'));
let world: TestEnvironment;
let hosted: HostedStages;

const organization = (pk: number, slug: string) => ({
  model: 'sentry.organization', pk, fields: { name: slug, slug, status: 0, date_added: '2024-01-01T00:00:00.000Z', default_role: 'member', is_test: false, flags: '1' },
});
const project = (pk: number, org: number, slug: string) => ({
  model: 'sentry.project', pk, fields: { slug, name: slug, organization: org, public: false, date_added: '2024-01-01T00:00:00.000Z', status: 0, flags: '10', platform: 'python' },
});

/** Events 1..n, odd ones for project 7 (kept), even ones for project 8 (its organization is filtered out). */
function files(n: number): { exportPath: string; eventsPath: string } {
  const exportPath = path.join(scratch, 'export.json');
  writeFileSync(exportPath, JSON.stringify([organization(1, 'kept-org'), organization(2, 'left-org'), project(7, 1, 'kept'), project(8, 2, 'left')]));
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({
    event_id: (i + 1).toString(16).padStart(32, '0'), project: i % 2 === 0 ? 7 : 8, platform: 'python', message: `boom ${i % 3}`,
    timestamp: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
  }));
  const eventsPath = path.join(scratch, 'events.ndjson');
  writeFileSync(eventsPath, `${lines.join('\n')}\n`);
  return { exportPath, eventsPath };
}

before(async () => {
  world = await testEnvironment('events_beside');
  hosted = await hostStages(world.connections, [...stageNames]);
});

after(async () => {
  await hosted?.stop();
  if (world) await disconnect(world.connections);
});

test('events reach the event saver before the writer has written their projects, wait there, and are saved once it has', async () => {
  const c = world.connections;
  const relocationId = 'events-beside-models';
  // The writer cannot insert a project while this is held; reads go on.
  const locker = await c.pool.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE sentry_project IN EXCLUSIVE MODE');
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await locker.query('ROLLBACK');
    locker.release();
  };
  try {
    const running = runImport(c, {
      relocationId, ...files(40),
      options: { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: ['kept-org'], filterUsernames: null },
    }, { timeoutMs: 120_000 });
    await untilPipelineWaitsOnLock(c.pool, 60_000);
    // The reader handed the events to the event saver's input while the writer is still held at the projects.
    const deadline = Date.now() + 30_000;
    let waiting = 0;
    while (waiting === 0) {
      assert.ok(Date.now() < deadline, 'no event batch of the relocation reached the event saver\'s input while the writer was held');
      for (const { message } of await readTopic(c, c.topics.reserved)) {
        const value = message.value ? await c.codec.decode<PipelineRecord>(message.value) : undefined;
        if (value?.relocationId === relocationId && 'relocate.EventBatch' in value.payload) waiting++;
      }
      if (waiting === 0) await new Promise((r) => setTimeout(r, 200));
    }
    const { rows: early } = await c.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM relocate.saved_event WHERE relocation_id = $1', [relocationId]);
    assert.equal(early[0]?.n, 0, 'no event is saved before its project is written');
    await release();

    const { summary } = await running;
    assert.equal(summary.status, 'success', summary.reason ?? '');
    const { rows: saved } = await c.pool.query<{ project_id: number; n: number }>(
      'SELECT project_id, count(*)::int AS n FROM relocate.saved_event WHERE relocation_id = $1 GROUP BY project_id', [relocationId]);
    const { rows: mapped } = await c.pool.query<{ new_pk: number }>(
      "SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.project' AND old_pk = 7", [relocationId]);
    assert.deepEqual(saved, [{ project_id: mapped[0]?.new_pk, n: 20 }], 'the 20 events of the kept project, under its new pk, once each');
    const dropped = (await listFindings(c.pool, relocationId)).filter((f) => f.model === 'event');
    assert.equal(dropped.length, 20, 'each event of the dropped project has its finding');
    for (const f of dropped) {
      assert.equal(f.kind, 'DroppedWithParent');
      assert.equal(f.stage, 'event-saver');
      assert.equal(f.field, 'project');
      assert.match(f.reason, /^event #\d+ dropped because project pk 8 was not imported$/);
    }
    // Waiting is not failing: nothing of the relocation went to the event saver's DLQ.
    assert.equal((await readTopic(c, c.topics.dlq['event-saver'])).length, 0);
  } finally {
    await release();
  }
});
