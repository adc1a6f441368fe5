import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consumerGroupOf, stageNames } from '@relocate/codec';
import { eventually } from '../harness/eventually.ts';
import { startCli, startService, waitForStages } from '../harness/processes.ts';
import { assertSameOutcome, exportOf, faultFile, faultWorld, midStage, outcomeOf, random, relocate, seed } from './fault-harness.ts';

// The writer's consumer is made to crash mid-relocation: its process is frozen (SIGSTOP) until the broker fences
// its member, the emptied group is deleted (the broker forgets it and its offsets), and the process goes on
// (SIGCONT) to find itself unknown to the coordinator. The stage rebuilds its consumer, rejoins, reads its input
// again from the start, and the relocation ends as a clean run does: writes are idempotent.
const relocationId = 'fault-a';
const next = random(seed + 4);
const { reference, processes } = faultFile();

test('the writer fenced and its group deleted mid-relocation: its consumer comes back, the state of a clean run', async (t) => {
  const world = await faultWorld('crash_writer');
  const others = startCli(['run', ...stageNames.filter((s) => s !== 'writer')], world.env);
  const writer = startService('writer', world.env);
  processes.push(others, writer);
  await waitForStages(world.connections, [...stageNames]);
  const relocation = relocate(world, relocationId, await exportOf(1));
  const when = await midStage(world, 'writer', next, reference());
  const group = consumerGroupOf(world.config.topicPrefix, 'writer');
  const admin = world.connections.kafka.admin();
  await admin.connect();
  try {
    writer.child.kill('SIGSTOP');
    await eventually(`the broker fenced the frozen member of ${group}`, async () => {
      const { groups } = await admin.describeGroups([group]);
      return (groups[0]?.members.length ?? 0) === 0 ? true : undefined;
    }, 6 * world.config.sessionTimeoutMs, 250);
    await admin.deleteGroups([group]);
    writer.child.kill('SIGCONT');
    t.diagnostic(`froze the writer at ${when}; its member was fenced and ${group} deleted`);
    const summary = await relocation;
    assert.equal(summary.status, 'success', JSON.stringify(summary.findings.slice(0, 3)));
    assert.equal(writer.child.exitCode, null, 'the writer process kept running');
    // A consumer that was idle when it was fenced finds out on its next heartbeat or fetch and rebuilds with backoff,
    // so it may rejoin after the relocation (which needs only the consumers at work) has ended.
    await eventually('every consumer of the writer back in its group', async () => {
      const { groups } = await admin.describeGroups([group]);
      return groups[0]?.members.length === world.config.partitionConcurrency ? true : undefined;
    }, 60_000, 250);
  } finally {
    await admin.disconnect();
  }
  const told = writer.output().split('\n').filter((l) => /"msg":"(consumer crashed|The coordinator is not aware of this member, re-joining the group)/.test(l));
  t.diagnostic(told.map((l) => { const e = JSON.parse(l) as { msg: string; err?: { message?: string } }; return `${e.msg}${e.err?.message ? `: ${e.err.message}` : ''}`; }).join(' | ') || 'no crash logged');
  assertSameOutcome(await outcomeOf(world), reference());
});
