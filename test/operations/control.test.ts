import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { ImportOptions } from '@relocate/codec';
import { startRelocation } from '@relocate/database';
import { publishRelocationEvent, type RelocationView, sampleLag } from '@relocate/operations';
import { disconnect, type HostedStages, hostStages, submitRelocation, waitForRelocation } from '@relocate/pipeline';
import { rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { eventually } from '../harness/eventually.ts';
import { runCli } from '../harness/processes.ts';

const example = (f: string): string => fileURLToPath(new URL(`../../examples/${f}`, import.meta.url));
const options: ImportOptions = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null };

let world: TestEnvironment;
let hosted: HostedStages;

before(async () => {
  world = await testEnvironment('control');
  hosted = await hostStages(world.connections, ['reader', 'writer', 'slug-resolver', 'reservation', 'event-saver']);
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

/** Records a relocation as `relocate import` does before it submits anything. */
async function begin(id: string): Promise<void> {
  await startRelocation(world.connections.pool, id, options);
  await publishRelocationEvent(world.connections, { relocationId: id, type: 'STARTED', at: Date.now(), summary: '' });
}

async function control(command: string, id: string): Promise<RelocationView> {
  const run = await runCli([command, id, '--json'], world.env);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  return run.result as RelocationView;
}

const skippedByReader = async (): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${hosted.metricsPort}/metrics`)).text();
  return Number(/^relocate_records_processed_total\{stage="reader",outcome="skipped"\} (\d+)/m.exec(text)?.[1] ?? 0);
};

const pausedPartitions = async (): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${hosted.metricsPort}/metrics`)).text();
  return Number(/relocate_paused_partitions\{stage="reader"\} (\d+)/.exec(text)?.[1] ?? 0);
};

const submit = (id: string): Promise<number> =>
  submitRelocation(world.connections, { relocationId: id, exportPath: example('acme-export.json'), eventsPath: example('acme-events.ndjson'), options });

test('pause holds a relocation at its next record, and resume takes it up from there to success', async () => {
  const id = 'control-paused';
  await begin(id);
  const paused = await control('pause', id);
  assert.equal(paused.status, 'running');
  assert.equal(paused.paused, true);
  await submit(id);
  await eventually('the reader to hold the relocation\'s partition', async () => ((await pausedPartitions()) === 1 ? true : undefined));
  assert.equal(await rowCount(world.connections.pool, `relocate.pk_map WHERE relocation_id = '${id}'`), 0);
  const status = await runCli(['status', id, '--json'], world.env);
  const record = (status.result as { record: RelocationView }).record;
  assert.deepEqual(record.stages.map((s) => [s.stage, s.state, s.recordsIn]), [
    ['reader', 'pending', 0], ['writer', 'pending', 0], ['slug-resolver', 'pending', 0], ['reservation', 'pending', 0], ['event-saver', 'pending', 0],
  ]);

  const resumed = await control('resume', id);
  assert.equal(resumed.paused, false);
  const summary = await waitForRelocation(world.connections, id, () => undefined, 90_000);
  assert.equal(summary.status, 'success');
  assert.equal(summary.events, 40);
  assert.equal(await pausedPartitions(), 0);
  const after = await runCli(['status', id, '--json'], world.env);
  assert.ok((after.result as { record: RelocationView }).record.stages.every((s) => s.state === 'done' && s.recordsIn > 0));
});

test('cancel ends a relocation: every stage skips the rest of its records and it is not taken up again', async () => {
  const id = 'control-cancelled';
  await begin(id);
  await control('pause', id);
  await submit(id);
  await eventually('the reader to hold the relocation\'s partition', async () => ((await pausedPartitions()) === 1 ? true : undefined));
  const cancelled = await control('cancel', id);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.reason, 'cancelled by an operator');
  const summary = await waitForRelocation(world.connections, id, () => undefined, 30_000);
  assert.equal(summary.status, 'cancelled');
  // The reader lets go of the partition and consumes the cancelled relocation's chunks without acting on them.
  // Skipped, not merely out of sight: a partition the reader has never committed on shows no lag at all.
  await eventually('the reader to consume the cancelled chunks', async () => {
    const sample = await sampleLag(world.connections, { timeLag: false });
    return (await pausedPartitions()) === 0 && (await skippedByReader()) > 0 && sample.partitions.filter((p) => p.stage === 'reader').every((p) => (p.lag ?? 0) === 0) ? true : undefined;
  });
  assert.equal(await rowCount(world.connections.pool, `relocate.pk_map WHERE relocation_id = '${id}'`), 0);
  assert.equal(await rowCount(world.connections.pool, `relocate.relocation WHERE id = '${id}' AND status = 'cancelled'`), 1);

  const again = await runCli(['resume', id], world.env);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /relocation control-cancelled is cancelled, not paused; only a paused relocation can be resumed/);
  const cancelTwice = await runCli(['cancel', id], world.env);
  assert.match(cancelTwice.stderr, /relocation control-cancelled is cancelled; only a running relocation can be cancelled/);
});

test('the relocation list shows each relocation with its stages', async () => {
  const run = await runCli(['status'], world.env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /control-paused\s+success\s+\S+\s+reader:done writer:done slug-resolver:done reservation:done event-saver:done/);
  assert.match(run.stdout, /control-cancelled\s+cancelled/);
});

test('the hosting process exposes the stages\' metrics under kafka-lag-exporter\'s names', async () => {
  const text = await (await fetch(`http://127.0.0.1:${hosted.metricsPort}/metrics`)).text();
  const group = `${world.config.topicPrefix}.writer`;
  for (const name of ['kafka_consumergroup_group_lag', 'kafka_consumergroup_group_lag_seconds', 'kafka_consumergroup_group_offset']) {
    assert.match(text, new RegExp(`^${name}\\{group="${group.replaceAll('.', '\\.')}",topic="${world.connections.topics.models.replaceAll('.', '\\.')}",partition="\\d+"\\} \\d`, 'm'), name);
  }
  assert.match(text, /^relocate_records_processed_total\{stage="writer",outcome="ok"\} [1-9]/m);
  assert.match(text, /^relocate_records_processed_total\{stage="reader",outcome="skipped"\} [1-9]/m, 'the cancelled relocation\'s chunks were skipped');
  assert.match(text, /^relocate_batch_duration_seconds_count\{stage="event-saver"\} [1-9]/m);
  const health = await fetch(`http://127.0.0.1:${hosted.metricsPort}/healthz`);
  assert.equal(health.status, 200);
});
