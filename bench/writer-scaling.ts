/**
 * Does a second writer in the writer's consumer group finish a backlog faster? For 1 and then 2 writers, on a fresh
 * database and topic prefix each time: the reader alone turns N relocations into a backlog on the models topic,
 * then N writer service processes start and the clock runs until the writer group has committed every record.
 *   npm run bench:writers -- [--rows 100k] [--relocations 1,4]
 * Each writer is its own process (services/writer/src/main.ts), as it would be deployed; its start-up and group
 * join are inside the clock, the same for one writer as for two.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { consumerGroupOf } from '@relocate/codec';
import { loadConfig } from '@relocate/config';
import { createLogger } from '@relocate/logging';
import { connect, type Connections, disconnect, hostStages, submitRelocation } from '@relocate/pipeline';
import { parseRows, shapeForRows, writeExport, type WrittenExport } from '@relocate/export-generator';
import { deleteTopicsWithPrefix, freshDatabase } from './contestants/contestant.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100k' },
    relocations: { type: 'string', default: '1,4' },
    out: { type: 'string', default: path.join(root, 'bench', 'results', 'writer-scaling') },
  },
});
const baseConfig = loadConfig();
const runId = randomBytes(3).toString('hex');
const options = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null } as const;

/** Whether a group has committed up to the end of every partition of a topic that holds records. */
async function caughtUp(c: Connections, group: string, topic: string): Promise<boolean> {
  const admin = c.kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    // A partition that never held a record is never committed on: nothing there to catch up with.
    return ends.every((e) => e.high === e.low || Number(committed?.partitions.find((p) => p.partition === e.partition)?.offset ?? -1) >= Number(e.high));
  } finally {
    await admin.disconnect();
  }
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 200));
}

/** Builds a backlog of `exports` on the models topic, then times `writers` writer processes draining it. */
async function drain(exports: WrittenExport[], writers: number): Promise<{ seconds: number; partitionsUsed: number }> {
  const name = `${writers}w${exports.length}r`;
  const env = {
    ...process.env,
    DATABASE_URL: baseConfig.databaseUrl.replace(/\/[^/]*$/, `/${new URL(baseConfig.databaseUrl).pathname.slice(1) || 'relocate'}_bench_writers`),
    RELOCATE_TOPIC_PREFIX: `${baseConfig.topicPrefix}.writers.${runId}.${name}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const config = loadConfig(env);
  await (await freshDatabase(config)).end();
  const c = await connect(config, createLogger('bench-writers', config.logLevel));
  const children: ChildProcess[] = [];
  try {
    const reader = await hostStages(c, ['reader']);
    for (const [i, e] of exports.entries()) {
      await submitRelocation(c, { relocationId: `writers-${runId}-${name}-${i}`, exportPath: e.exportPath, eventsPath: e.eventsPath, options });
    }
    await until(() => caughtUp(c, consumerGroupOf(config.topicPrefix, 'reader'), c.topics.exports));
    await reader.stop();
    const admin = c.kafka.admin();
    await admin.connect();
    const partitionsUsed = (await admin.fetchTopicOffsets(c.topics.models)).filter((p) => Number(p.high) > 0).length;
    await admin.disconnect();

    const start = performance.now();
    for (let i = 0; i < writers; i++) {
      children.push(spawn(process.execPath, [path.join(root, 'bin', 'run.js'), path.join(root, 'services', 'writer', 'src', 'main.ts')], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] }));
    }
    await until(() => caughtUp(c, consumerGroupOf(config.topicPrefix, 'writer'), c.topics.models));
    return { seconds: (performance.now() - start) / 1000, partitionsUsed };
  } finally {
    await Promise.all(children.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    })));
    await deleteTopicsWithPrefix(c.kafka, config.topicPrefix);
    await disconnect(c);
  }
}

async function main(): Promise<void> {
  const rows = parseRows(values.rows);
  const work = path.join(tmpdir(), 'relocate-bench', `writers-${runId}`);
  mkdirSync(work, { recursive: true });
  const results: Array<{ relocations: number; rowsEach: number; partitions: number; partitionsUsed: number; oneWriterSeconds: number; twoWritersSeconds: number; speedup: number; loadAverage: number[] }> = [];
  try {
    for (const relocations of values.relocations.split(',').map(Number)) {
      // Different seeds: separate relocations of different organizations, as a backlog would hold.
      const exports: WrittenExport[] = [];
      for (let i = 0; i < relocations; i++) {
        exports.push(await writeExport({ shape: shapeForRows(Math.round(rows / relocations)), seed: 100 + i, exportPath: path.join(work, `export-${relocations}-${i}.json`), eventsPath: path.join(work, `events-${relocations}-${i}.ndjson`) }));
      }
      const before = loadavg()[0] ?? 0;
      const one = await drain(exports, 1);
      const two = await drain(exports, 2);
      results.push({
        relocations, rowsEach: exports[0]?.rows ?? 0, partitions: baseConfig.partitions, partitionsUsed: one.partitionsUsed,
        oneWriterSeconds: one.seconds, twoWritersSeconds: two.seconds, speedup: one.seconds / two.seconds, loadAverage: [before, loadavg()[0] ?? 0],
      });
      process.stdout.write(`${relocations} relocation(s) of ${exports[0]?.rows} rows on ${one.partitionsUsed} of ${baseConfig.partitions} partitions: ` +
        `1 writer ${one.seconds.toFixed(1)} s, 2 writers ${two.seconds.toFixed(1)} s, speed-up ${(one.seconds / two.seconds).toFixed(2)}x\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  mkdirSync(values.out, { recursive: true });
  const file = path.join(values.out, `writer-scaling-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ command: `npm run bench:writers -- ${process.argv.slice(2).join(' ')}`.trim(), results }, null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:writers: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
