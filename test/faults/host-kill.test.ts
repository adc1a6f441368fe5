import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { stageNames, type StageName } from '@relocate/codec';
import { type CliProcess, startCli, stopService, waitForStages } from '../harness/processes.ts';
import { assertSameOutcome, closeWorlds, exportOf, faultWorld, midStage, outcomeOf, random, referenceOf, relocate, seed } from './fault-harness.ts';

// `relocate run` hosts all five stages in one process; it is killed with SIGKILL mid-relocation and started again.
const relocationId = 'fault-a';
const next = random(seed + 1);
const hosts: CliProcess[] = [];

after(async () => {
  await Promise.all(hosts.map((h) => stopService(h)));
  await closeWorlds();
});

let reference: Awaited<ReturnType<typeof referenceOf>>;
before(async () => {
  reference = await referenceOf(1, relocationId);
});

test('kill -9 of `relocate run` hosting every stage, then a restart: the state of a clean run', async (t) => {
  const world = await faultWorld('kill_run');
  const first = startCli(['run'], world.env);
  hosts.push(first);
  await waitForStages(world.connections, [...stageNames]);
  const relocation = relocate(world, relocationId, await exportOf(1));
  const stage = stageNames[Math.floor(next() * stageNames.length)] as StageName;
  const when = await midStage(world, stage, next, reference);
  const exited = once(first.child, 'exit');
  first.child.kill('SIGKILL');
  await exited;
  t.diagnostic(`killed relocate run at ${when}, ${stage} at work`);
  hosts.push(startCli(['run'], world.env));
  const summary = await relocation;
  assert.equal(summary.status, 'success', JSON.stringify(summary.findings.slice(0, 3)));
  assertSameOutcome(await outcomeOf(world), reference);
});
