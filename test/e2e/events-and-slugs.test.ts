import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { consumerGroupOf, type EventstreamInsert, stageNames } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { digestTables, rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { readTopic } from '../harness/topics.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'relocate-events-'));
let world: TestEnvironment;
let hosted: HostedStages;

const releases = ['api@1.0.0', 'api@1.1.0', 'api@2.0.0'];
const environments = ['production', 'staging'];
const messages = Array.from({ length: 10 }, (_, i) => `KeyError: 'field_${i}'`);
const options = { scope: 'ORGANIZATION' as const, mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null };

function exportFile(name: string, slug: string): string {
  const file = path.join(scratch, `${name}.json`);
  writeFileSync(file, JSON.stringify([
    { model: 'sentry.organization', pk: 1, fields: { name: slug, slug, status: 0, date_added: '2024-01-01T00:00:00.000Z', default_role: 'member', is_test: false, flags: '1' } },
    { model: 'sentry.project', pk: 7, fields: { slug: 'api', name: 'API', organization: 1, public: false, date_added: '2024-01-01T00:00:00.000Z', status: 0, flags: '10', platform: 'python' } },
  ]));
  return file;
}

function eventsFile(name: string, count: number): { file: string; ids: string[] } {
  const ids: string[] = [];
  const lines = Array.from({ length: count }, (_, i) => {
    const id = (i + 1).toString(16).padStart(32, '0');
    ids.push(id);
    return JSON.stringify({
      event_id: id, project: 7, platform: 'python', message: messages[i % messages.length],
      release: releases[i % releases.length], environment: environments[Math.floor(i / 3) % environments.length],
      timestamp: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    });
  });
  const file = path.join(scratch, `${name}.ndjson`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, ids };
}

const eventTables = ['sentry_release', 'sentry_environment', 'sentry_release_project', 'sentry_environmentproject', 'sentry_environmentrelease',
  'sentry_releaseprojectenvironment', 'sentry_groupedmessage', 'sentry_grouphash', 'sentry_groupenvironment'];
const allTables = ['sentry_organization', 'sentry_project', 'sentry_organizationslugreservation', ...eventTables, 'relocate.pk_map', 'relocate.import_chunk', 'relocate.saved_event', 'relocate.org_slug'];

let thousand: RelocationSummary;
let raceA: RelocationSummary;
let raceB: RelocationSummary;
const thousandEvents = eventsFile('thousand', 1000);

before(async () => {
  world = await testEnvironment('events_slugs');
  hosted = await hostStages(world.connections, [...stageNames]);
  ({ summary: thousand } = await runImport(world.connections, { relocationId: 'events-1000', exportPath: exportFile('thousand', 'events'), eventsPath: thousandEvents.file, options }, { timeoutMs: 120_000 }));
  [{ summary: raceA }, { summary: raceB }] = await Promise.all([
    runImport(world.connections, { relocationId: 'race-a', exportPath: exportFile('race-a', 'race'), options }, { timeoutMs: 60_000 }),
    runImport(world.connections, { relocationId: 'race-b', exportPath: exportFile('race-b', 'race'), options }, { timeoutMs: 60_000 }),
  ]);
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

test('1,000 events across 3 releases and 2 environments give exact rows and one eventstream message per event', async () => {
  assert.equal(thousand.status, 'success', JSON.stringify(thousand.findings));
  assert.equal(thousand.events, 1000);
  const pool = world.connections.pool;
  const expected: Record<string, number> = {
    sentry_release: 3, sentry_environment: 2, sentry_release_project: 3, sentry_environmentproject: 2,
    sentry_environmentrelease: 6, sentry_releaseprojectenvironment: 6, sentry_groupedmessage: 10, sentry_grouphash: 10, sentry_groupenvironment: 20,
  };
  for (const [table, n] of Object.entries(expected)) assert.equal(await rowCount(pool, table), n, table);
  assert.equal(await rowCount(pool, 'sentry_groupedmessage WHERE times_seen = 100'), 10);
  const { rows } = await pool.query<{ n: number }>('SELECT sum(new_issues_count)::int AS n FROM sentry_releaseprojectenvironment');
  assert.equal(rows[0]?.n, 10, 'each new group counts once as a new issue');

  const stream = await readTopic(world.connections, world.connections.topics.eventstream);
  const decoded = await Promise.all(stream.map((m) => world.connections.codec.decode<EventstreamInsert>(m.message.value as Buffer)));
  const mine = decoded.filter((d) => d.relocationId === 'events-1000');
  assert.equal(mine.length, 1000);
  assert.deepEqual(mine.map((d) => d.eventId).sort(), [...thousandEvents.ids].sort());
  assert.equal(mine.filter((d) => d.isNew).length, 10);
  assert.equal(mine.filter((d) => d.isNewGroupEnvironment).length, 20);
  assert.ok(mine.every((d) => d.groupId !== null && !d.isRegression));
  const firstOfEachGroup = mine.filter((d) => d.isNew).map((d) => Number.parseInt(d.eventId, 16)).sort((a, b) => a - b);
  assert.deepEqual(firstOfEachGroup, Array.from({ length: 10 }, (_, i) => i + 1), 'the first event of each message opens its group');
});

test('two relocations racing for one organization slug end with two distinct reserved slugs and no error', async () => {
  assert.equal(raceA.status, 'success', JSON.stringify(raceA.findings));
  assert.equal(raceB.status, 'success', JSON.stringify(raceB.findings));
  const finals = [raceA.slugs.race, raceB.slugs.race];
  assert.equal(new Set(finals).size, 2, `distinct: ${finals.join(', ')}`);
  assert.ok(finals.includes('race'), 'one of them keeps the slug');
  const { rows } = await world.connections.pool.query<{ slug: string }>(
    `SELECT r.slug FROM sentry_organizationslugreservation r JOIN sentry_organization o ON o.id = r.organization_id AND o.slug = r.slug
     WHERE r.reservation_type = 0 AND r.slug = ANY($1) ORDER BY r.slug`,
    [finals],
  );
  assert.deepEqual(rows.map((r) => r.slug), [...finals].sort());
  assert.equal(await rowCount(world.connections.pool, 'sentry_organizationslugreservation WHERE reservation_type = 2'), 0, 'the temporary aliases were swapped for primaries');
});

test('replaying every stage from the start of its input changes neither the database nor the eventstream', async () => {
  const pool = world.connections.pool;
  const before = await digestTables(pool, allTables);
  const streamBefore = (await readTopic(world.connections, world.connections.topics.eventstream)).length;
  await hosted.stop();
  const admin = world.connections.kafka.admin();
  await admin.connect();
  const inputs = [world.connections.topics.exports, world.connections.topics.models, world.connections.topics.written, world.connections.topics.slugs, world.connections.topics.reserved];
  try {
    for (const [i, stage] of stageNames.entries()) {
      await admin.resetOffsets({ groupId: consumerGroupOf(world.config.topicPrefix, stage), topic: inputs[i] as string, earliest: true });
    }
    hosted = await hostStages(world.connections, [...stageNames]);
    const deadline = Date.now() + 120_000;
    for (;;) {
      let lag = 0;
      for (const [i, stage] of stageNames.entries()) {
        const ends = await admin.fetchTopicOffsets(inputs[i] as string);
        const [committed] = await admin.fetchOffsets({ groupId: consumerGroupOf(world.config.topicPrefix, stage), topics: [inputs[i] as string] });
        for (const p of committed?.partitions ?? []) {
          const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
          lag += end - Math.max(0, Number(p.offset));
        }
      }
      if (lag === 0) break;
      assert.ok(Date.now() < deadline, `replay did not catch up (lag ${lag})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.disconnect();
  }
  // The replayed relocations end again (their end markers pass once more) before the tables are compared.
  const deadline = Date.now() + 60_000;
  while ((await rowCount(pool, `relocate.relocation WHERE status <> 'success'`)) > 0) {
    assert.ok(Date.now() < deadline, 'replayed relocations did not finish');
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.deepEqual(await digestTables(pool, allTables), before);
  assert.equal((await readTopic(world.connections, world.connections.topics.eventstream)).length, streamBefore);
});
