import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { stageNames, type StageName } from '@relocate/codec';
import { type CliProcess, type Service, startCli, startService, stopService, waitForStages } from '../harness/processes.ts';
import { assertSameOutcome, closeWorlds, exportOf, faultWorld, midStage, outcomeOf, random, referenceOf, relocate, seed } from './fault-harness.ts';

// The stage under test runs as its own service process, as in production (the other four share one `relocate run`,
// to start faster); it is killed with SIGKILL mid-relocation and started again, and the relocation must end
// exactly as a clean run does.
const relocationId = 'fault-a';
const next = random(seed);
let reference: Awaited<ReturnType<typeof referenceOf>>;
const running: Service[] = [];

before(async () => {
  reference = await referenceOf(1, relocationId);
});

const hosts: CliProcess[] = [];
async function stopAll(): Promise<void> {
  await Promise.all([...running.splice(0).map((s) => stopService(s)), ...hosts.splice(0).map((h) => stopService(h))]);
}

after(async () => {
  await stopAll();
  await closeWorlds();
});

async function killOne(stage: StageName, t: { diagnostic(m: string): void }): Promise<void> {
  const world = await faultWorld(`kill_${stage.replace('-', '_')}`);
  const others = startCli(['run', ...stageNames.filter((s) => s !== stage)], world.env);
  const victim = startService(stage, world.env);
  running.push(victim);
  hosts.push(others);
  await waitForStages(world.connections, [...stageNames]);
  const relocation = relocate(world, relocationId, await exportOf(1));
  const when = await midStage(world, stage, next, reference);
  const exited = once(victim.child, 'exit');
  victim.child.kill('SIGKILL');
  await exited;
  t.diagnostic(`killed at ${when}`);
  running.push(startService(stage, world.env));
  const summary = await relocation;
  assert.equal(summary.status, 'success', JSON.stringify(summary.findings.slice(0, 3)));
  const outcome = await outcomeOf(world);
  t.diagnostic(`eventstream: ${outcome.events.eventIds.length} events, ${outcome.events.duplicates} duplicate message(s) by (projectId, eventId)`);
  assertSameOutcome(outcome, reference);
  await stopAll();
}

for (const stage of stageNames) {
  test(`kill -9 of the ${stage} mid-relocation, then a restart: the state of a clean run`, (t) => killOne(stage, t));
}
