import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { EventstreamInsert } from '@relocate/codec';
import { getRelocation, type RelocationSummary } from '@relocate/database';
import { relocationView } from '@relocate/operations';
import { disconnect, type HostedStages, hostStages } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { eventually } from '../harness/eventually.ts';
import { runCli } from '../harness/processes.ts';
import { stateDigest } from '../harness/state.ts';
import { readTopic } from '../harness/topics.ts';

const example = (f: string): string => fileURLToPath(new URL(`../../examples/${f}`, import.meta.url));
const importArgs = (id: string): string[] => ['import', example('acme-export.json'), '--events', example('acme-events.ndjson'), '--relocation-id', id, '--json'];
const relocationId = 'replay-acme';
const stage = 'writer';

/**
 * Causes outside the records, as after a bad migration, each with its fix. Both make the writer fail before it
 * draws ids from a table's sequence, so a clean run's ids are still the ones to expect.
 */
interface Cause { table: string; reason: RegExp }
// The writer cannot record its batches: the relocation's first batch fails and every later one parks behind it.
const importChunks: Cause = { table: 'relocate.import_chunk', reason: /relation "relocate.import_chunk" does not exist/ };
// The writer finds no table for project keys: the relocation fails midway, after its users, organization and projects.
const projectKeys: Cause = { table: 'sentry_projectkey', reason: /sentry\.projectkey has no table sentry_projectkey/ };
const away = (c: Cause): string => `${c.table.split('.').pop()}_away`;
const breakCause = (c: Cause): string => `ALTER TABLE ${c.table} RENAME TO ${away(c)}`;
const fixCause = (c: Cause): string => `ALTER TABLE ${c.table.includes('.') ? `${c.table.split('.')[0]}.` : ''}${away(c)} RENAME TO ${c.table.split('.').pop()}`;

let clean: { digest: Record<string, string>; events: string[] };
const worlds: TestEnvironment[] = [];
const hosts: HostedStages[] = [];

async function eventIds(world: TestEnvironment): Promise<string[]> {
  const messages = await readTopic(world.connections, world.connections.topics.eventstream);
  const decoded = await Promise.all(messages.map((m) => world.connections.codec.decode<EventstreamInsert>(m.message.value as Buffer)));
  return decoded.map((d) => d.eventId).sort();
}

/** Runs the relocation with the cause broken: it fails at the writer and its later records park there. */
async function poisonedRun(name: string, cause: Cause): Promise<{ world: TestEnvironment; hosted: HostedStages }> {
  const world = await testEnvironment(name);
  worlds.push(world);
  const hosted = await hostStages(world.connections, ['reader', 'writer', 'slug-resolver', 'reservation', 'event-saver']);
  hosts.push(hosted);
  await world.connections.pool.query(breakCause(cause));
  const run = await runCli(importArgs(relocationId), world.env);
  assert.equal(run.code, 1, run.stderr.slice(-2000));
  const summary = run.result as RelocationSummary;
  assert.equal(summary.status, 'failure');
  assert.deepEqual(summary.findings.map((f) => [f.stage, f.severity]), [[stage, 'error']]);
  assert.match(summary.findings[0]?.reason ?? '', cause.reason);
  const { rows } = await world.connections.pool.query('SELECT stage FROM relocate.parked_relocation WHERE relocation_id = $1', [relocationId]);
  assert.deepEqual(rows, [{ stage }]);
  return { world, hosted };
}

async function finished(world: TestEnvironment): Promise<string> {
  return eventually(`relocation ${relocationId} to finish`, async () => {
    const r = await getRelocation(world.connections.pool, relocationId);
    return r && r.status !== 'running' ? r.status : undefined;
  });
}

before(async () => {
  const world = await testEnvironment('replay_clean');
  worlds.push(world);
  const run = await runCli(importArgs(relocationId), world.env);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  clean = { digest: await stateDigest(world.connections.pool), events: await eventIds(world) };
  assert.equal(clean.events.length, 40);
});

after(async () => {
  for (const h of hosts) await h.stop();
  for (const w of worlds) await disconnect(w.connections);
});

test('a DLQ replay after fixing the cause ends in the state of a clean run', async () => {
  const { world } = await poisonedRun('replay_dlq', importChunks);
  await world.connections.pool.query(fixCause(importChunks));
  const replay = await runCli(['replay', '--stage', stage, '--relocation', relocationId, '--from-dlq', '--json'], world.env);
  assert.equal(replay.code, 0, replay.stderr.slice(-2000));
  const result = replay.result as { records: number; relocations: string[] };
  assert.deepEqual(result.relocations, [relocationId]);
  assert.ok(result.records > 1, 'the failed record and the records parked behind it go back');
  assert.equal(await finished(world), 'success');
  assert.deepEqual(await stateDigest(world.connections.pool), clean.digest);
  assert.deepEqual(await eventIds(world), clean.events);
});

test('retry re-runs a failed relocation from the stage that failed it, and no stage before', async () => {
  const { world } = await poisonedRun('replay_retry', importChunks);
  const readerIn = async (): Promise<number | undefined> => (await relocationView(world.connections.pool, relocationId))?.stages.find((s) => s.stage === 'reader')?.recordsIn;
  // Counts reach the record through the relocations topic: wait until the reader's run is projected as done.
  const before = await eventually('the reader to be done', async () => {
    const reader = (await relocationView(world.connections.pool, relocationId))?.stages.find((s) => s.stage === 'reader');
    return reader?.state === 'done' ? reader.recordsIn : undefined;
  });
  await world.connections.pool.query(fixCause(importChunks));
  const retry = await runCli(['retry', relocationId, '--json'], world.env);
  assert.equal(retry.code, 0, retry.stderr.slice(-2000));
  assert.deepEqual((retry.result as Array<{ stage: string; mode: string }>).map((r) => [r.stage, r.mode]), [[stage, 'dlq']]);
  assert.equal(await finished(world), 'success');
  assert.equal(await readerIn(), before, 'the reader did not read the export again');
  assert.deepEqual(await stateDigest(world.connections.pool), clean.digest);
  const again = await runCli(['retry', relocationId], world.env);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /relocation replay-acme is success and no stage holds records of it in its DLQ; there is nothing to retry/);
});

test('a rewind replay after fixing the cause ends in the state of a clean run', async () => {
  const { world, hosted } = await poisonedRun('replay_rewind', projectKeys);
  // Kafka moves a group's offsets only while it is empty; and a writer started afresh looks for the table again.
  const running = hosted.stages.find((s) => s.stage === stage);
  await running?.stop();
  await world.connections.pool.query(fixCause(projectKeys));
  const replay = await runCli(['replay', '--stage', stage, '--relocation', relocationId, '--json'], world.env);
  assert.equal(replay.code, 0, replay.stderr.slice(-2000));
  assert.equal((replay.result as { mode: string }).mode, 'rewind');
  hosts.push(await hostStages(world.connections, [stage]));
  assert.equal(await finished(world), 'success');
  assert.deepEqual(await stateDigest(world.connections.pool), clean.digest);
  assert.deepEqual(await eventIds(world), clean.events);
});

test('a rewind is refused while the stage has live consumers, naming them', async () => {
  const world = worlds[worlds.length - 1] as TestEnvironment;
  const replay = await runCli(['replay', '--stage', stage, '--relocation', relocationId], world.env);
  assert.equal(replay.code, 2);
  // One process hosts the stage, as RELOCATE_PARTITION_CONCURRENCY consumers.
  assert.match(replay.stderr, new RegExp(`writer has ${world.config.partitionConcurrency} live consumer\\(s\\) in group .*\\.writer; stop them first`));
});
