import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ExportChunk, type ImportOptions, stageNames } from '@relocate/codec';
import { getRelocation } from '@relocate/database';
import type { LagReport } from '@relocate/operations';
import { disconnect, submitRelocation } from '@relocate/pipeline';
import { createProducer } from '@relocate/stage-runtime';
import { Partitioners } from 'kafkajs';
import { describeGroup } from '../harness/broker-tool.ts';
import { rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { eventually } from '../harness/eventually.ts';
import { runCli, type Service, startService, stopService, waitForStages } from '../harness/processes.ts';

const example = (f: string): string => fileURLToPath(new URL(`../../examples/${f}`, import.meta.url));
const options: ImportOptions = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null };

let world: TestEnvironment;

/** A relocation id whose records land on the same partition as another's (the producer's default partitioner). */
function idOnPartitionOf(other: string, prefix: string, partitions: number): string {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  const partitionOf = (key: string): number => partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
  for (let i = 0; ; i++) if (partitionOf(`${prefix}-${i}`) === partitionOf(other)) return `${prefix}-${i}`;
}
let services: Service[] = [];
let second: string;

before(async () => {
  // Stages commit idle partitions every second, so a stage silent for 3 s is not committing; a killed one leaves
  // its group after 6 s.
  world = await testEnvironment('lag', { RELOCATE_COMMIT_INTERVAL_MS: '1000', RELOCATE_SESSION_TIMEOUT_MS: '6000' });
});

after(async () => {
  await Promise.all(services.map((s) => stopService(s)));
  await disconnect(world.connections);
});

async function lagReport(): Promise<LagReport> {
  const run = await runCli(['lag', '--json'], world.env);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  return run.result as LagReport;
}

test('lag figures equal those of the broker\'s kafka-consumer-groups --describe', async () => {
  // One relocation through every stage (the import hosts them), then a second one on the same partition submitted
  // with no stage running: every group has committed offsets, and the reader lags behind the second one's chunks.
  const first = await runCli(['import', example('acme-export.json'), '--relocation-id', 'lag-first', '--json'], world.env);
  assert.equal(first.code, 0, first.stderr.slice(-2000));
  second = idOnPartitionOf('lag-first', 'lag-second', world.config.partitions);
  const chunks = await submitRelocation(world.connections, { relocationId: second, exportPath: example('acme-export.json'), eventsPath: example('acme-events.ndjson'), options });
  assert.ok(chunks >= 2);

  const report = await lagReport();
  const reader = report.stages.find((s) => s.stage === 'reader');
  assert.equal(reader?.lag, chunks, 'the reader lags by the chunks of the second relocation');
  const behind = reader?.partitions.find((p) => (p.lag ?? 0) > 0);
  assert.ok(behind?.timeLagSeconds !== null && behind?.timeLagSeconds !== undefined, 'the oldest unconsumed record was read for its time');
  assert.equal(reader?.status, 'STOP', 'nothing consumes the reader\'s input');

  for (const stage of stageNames) {
    const ours = report.stages.find((s) => s.stage === stage);
    assert.ok(ours, stage);
    const tool = await describeGroup(world.config.kafkaBrokers[0] as string, ours.group);
    assert.ok(tool.length > 0, `the tool describes ${ours.group}`);
    // An empty group: the tool lists the partitions it has committed offsets for.
    const committed = ours.partitions.filter((p) => p.committedOffset !== null);
    assert.deepEqual(
      committed.map((p) => ({ topic: ours.topic, partition: p.partition, currentOffset: p.committedOffset, logEndOffset: p.logEndOffset, lag: p.lag })),
      tool.map((t) => ({ ...t })).sort((a, b) => a.partition - b.partition),
      `${stage}: ${ours.group}`,
    );
  }
});

test('a stage killed mid-relocation shows STOP, then OK once it runs again', async () => {
  services = stageNames.map((s) => startService(s, world.env));
  await waitForStages(world.connections, [...stageNames]);
  await eventually('the second relocation to finish', async () => ((await getRelocation(world.connections.pool, second))?.status === 'success' ? true : undefined));

  // A relocation whose events file is sent in two halves: the writer writes the export, is killed, and the second
  // half (the events and the end marker) waits for it on the models topic.
  const id = 'lag-killed';
  const exportData = readFileSync(example('acme-export.json'));
  const events = readFileSync(example('acme-events.ndjson'));
  const half = events.indexOf('\n', Math.floor(events.length / 2)) + 1;
  const { codec, topics, kafka, pool } = world.connections;
  const producer = createProducer(kafka);
  await producer.connect();
  const send = async (chunks: ExportChunk[]): Promise<void> => {
    await producer.send({ topic: topics.exports, acks: -1, messages: await Promise.all(chunks.map(async (c) => ({ key: id, value: await codec.encode(topics.exports, c) }))) });
  };
  try {
    await send([
      { relocationId: id, part: 'EXPORT', seq: 0, isLast: true, hasEvents: true, options, data: exportData },
      { relocationId: id, part: 'EVENTS', seq: 0, isLast: false, hasEvents: false, options: null, data: events.subarray(0, half) },
    ]);
    const records = (JSON.parse(exportData.toString()) as unknown[]).length;
    await eventually('the writer to write the export', async () => ((await rowCount(pool, `relocate.pk_map WHERE relocation_id = '${id}'`)) === records ? true : undefined));

    const writer = services.find((s) => s.stage === 'writer') as Service;
    writer.child.kill('SIGKILL');
    await send([{ relocationId: id, part: 'EVENTS', seq: 1, isLast: true, hasEvents: false, options: null, data: events.subarray(half) }]);
  } finally {
    await producer.disconnect();
  }

  const stopped = await eventually('the writer to show STOP', async () => {
    const report = await lagReport();
    const w = report.stages.find((s) => s.stage === 'writer');
    return w?.status === 'STOP' ? w : undefined;
  });
  assert.ok(stopped.lag > 0, 'records wait for the writer');
  assert.equal(stopped.partitions.find((p) => p.status === 'STOP')?.status, 'STOP');

  services = [...services.filter((s) => s.stage !== 'writer'), startService('writer', world.env)];
  const recovered = await eventually('the writer to recover to OK', async () => {
    const report = await lagReport();
    const w = report.stages.find((s) => s.stage === 'writer');
    return w?.status === 'OK' && w.lag === 0 ? w : undefined;
  });
  assert.ok(recovered.partitions.every((p) => p.status === 'OK'));
  await eventually('the relocation to succeed', async () => ((await getRelocation(pool, id))?.status === 'success' ? true : undefined));
});
