import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { stageNames } from '@relocate/codec';
import { stackStopPart, stackUp } from '@relocate/native-stack';
import { eventually } from '../harness/eventually.ts';
import { resolveStack } from '../harness/stack.ts';
import { type CliProcess, startCli, stopService, waitForStages } from '../harness/processes.ts';
import { assertSameOutcome, closeWorlds, exportOf, faultWorld, midStage, outcomeOf, random, referenceOf, relocate, seed } from './fault-harness.ts';

// Each part of the stack goes away mid-relocation and comes back; the relocation must end as a clean run does.
const run = promisify(execFile);
const relocationId = 'fault-a';
const next = random(seed + 2);
const hosts: CliProcess[] = [];
const log = (line: string): void => void process.stderr.write(`[stack] ${line}\n`);
let reference: Awaited<ReturnType<typeof referenceOf>>;

before(async () => {
  const native = await stackUp({ log });
  assert.deepEqual((await resolveStack()).kafkaBrokers, native.kafkaBrokers, 'these faults stop and start parts of the native stack: run them against it');
  reference = await referenceOf(1, relocationId);
});

after(async () => {
  await Promise.all(hosts.map((h) => stopService(h)));
  await stackUp({ log });
  await closeWorlds();
});

async function underFault(name: string, fault: (world: Awaited<ReturnType<typeof faultWorld>>) => Promise<void>): Promise<void> {
  const world = await faultWorld(name);
  hosts.push(startCli(['run'], world.env));
  await waitForStages(world.connections, [...stageNames]);
  const relocation = relocate(world, relocationId, await exportOf(1));
  await fault(world);
  const output = (): string => hosts.map((h) => `exit ${h.child.exitCode ?? h.child.signalCode ?? 'none'}:\n${h.output().slice(-3000)}`).join('\n');
  const summary = await relocation.catch((err: Error) => assert.fail(`${err.message}\nrelocate run processes:\n${output()}`));
  assert.equal(summary.status, 'success', `${JSON.stringify(summary.findings.slice(0, 3))}\n${output()}`);
  const outcome = await outcomeOf(world);
  await Promise.all(hosts.splice(0).map((h) => stopService(h)));
  assertSameOutcome(outcome, reference);
}

test('the Kafka broker stopped and started again mid-relocation', (t) => underFault('kafka', async (world) => {
  t.diagnostic(`stopping Kafka at ${await midStage(world, 'writer', next, reference)}`);
  await stackStopPart('kafka', { log });
  await new Promise((r) => setTimeout(r, 5_000));
  await stackUp({ log });
}));

test('the schema registry down for 30 s, and `relocate run` killed and started again meanwhile: it waits for the registry', (t) => underFault('registry', async (world) => {
  t.diagnostic(`stopping the registry at ${await midStage(world, 'writer', next, reference)}`);
  await stackStopPart('schema-registry', { log });
  // A process that starts while the registry is away cannot register its schemas: it must wait, not give up.
  const host = hosts[hosts.length - 1] as CliProcess;
  const exited = once(host.child, 'exit');
  host.child.kill('SIGKILL');
  await exited;
  const restarted = startCli(['run'], world.env);
  hosts.push(restarted);
  await new Promise((r) => setTimeout(r, 30_000));
  assert.equal(restarted.child.exitCode, null, `relocate run gave up while the registry was away:\n${restarted.output().slice(-2000)}`);
  await stackUp({ log });
}));

// The machine's PostgreSQL is shared: this restarts it once, and always checks that it answers again.
test('PostgreSQL restarted mid-relocation', (t) => underFault('postgres', async (world) => {
  t.diagnostic(`restarting PostgreSQL at ${await midStage(world, 'writer', next, reference)}`);
  try {
    await run('pg_ctlcluster', ['15', 'main', 'restart'], { timeout: 60_000 });
  } finally {
    await eventually('PostgreSQL to accept connections again', async () => {
      await run('pg_isready', ['-h', '127.0.0.1', '-p', '5432'], { timeout: 10_000 });
      return true;
    }, 60_000);
  }
}));
