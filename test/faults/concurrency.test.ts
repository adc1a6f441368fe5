import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stageNames } from '@relocate/codec';
import { type CliProcess, startCli, stopService, waitForStages } from '../harness/processes.ts';
import { canonicalDigest } from '../harness/canonical.ts';
import { assertSameOutcome, closeWorlds, exportOf, faultWorld, outcomeOf, referenceOf, relocate } from './fault-harness.ts';

// Relocations side by side on one pipeline: the same one twice, and two different ones.
const hosts: CliProcess[] = [];
let a: Awaited<ReturnType<typeof referenceOf>>;
let b: Awaited<ReturnType<typeof referenceOf>>;

before(async () => {
  a = await referenceOf(1, 'fault-a');
  b = await referenceOf(2, 'fault-b');
});

after(async () => {
  await Promise.all(hosts.map((h) => stopService(h)));
  await closeWorlds();
});

async function pipeline(name: string) {
  const world = await faultWorld(name);
  hosts.push(startCli(['run'], world.env));
  await waitForStages(world.connections, [...stageNames]);
  return world;
}

test('the same export submitted twice at once under one relocation id ends as one clean run', async () => {
  const world = await pipeline('twice');
  const written = await exportOf(1);
  const summaries = await Promise.all([relocate(world, 'fault-a', written), relocate(world, 'fault-a', written)]);
  assert.deepEqual(summaries.map((s) => s.status), ['success', 'success'], JSON.stringify(summaries.map((s) => s.findings.slice(0, 3))));
  const outcome = await outcomeOf(world);
  await Promise.all(hosts.splice(0).map((h) => stopService(h)));
  assertSameOutcome(outcome, a);
});

test('two different relocations at once end as each would alone, with no cross-talk', async () => {
  assert.notDeepEqual(a.events.eventIds, b.events.eventIds);
  const world = await pipeline('pair');
  const [first, second] = await Promise.all([relocate(world, 'fault-a', await exportOf(1)), relocate(world, 'fault-b', await exportOf(2))]);
  assert.deepEqual([first.status, second.status], ['success', 'success']);
  const tables = new Set([...Object.keys(a.state), ...Object.keys(b.state)]);
  const state = Object.fromEntries([...tables].map((t) => [t, [...(a.state[t] ?? []), ...(b.state[t] ?? [])].sort()]));
  const union = { state, digest: canonicalDigest(state), events: { ...a.events, eventIds: [...a.events.eventIds, ...b.events.eventIds].sort() } };
  const outcome = await outcomeOf(world);
  await Promise.all(hosts.splice(0).map((h) => stopService(h)));
  assertSameOutcome(outcome, union);
});
