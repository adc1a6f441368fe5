import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { stageNames, type StageName } from '@relocate/codec';
import { type CliProcess, runCli, startCli, stopService } from '../harness/processes.ts';
import { assertSameOutcome, closeWorlds, exportOf, faultWorld, midStage, outcomeOf, random, referenceOf, seed } from './fault-harness.ts';

// `relocate import`, hosting every stage itself, is killed with -9 mid-run (a closed terminal, an OOM kill), and
// the same import is started again at once. The dead process's members are still in the groups: the new import
// must not wait behind them forever but take the stages up once the broker drops them.
const relocationId = 'fault-a';
const next = random(seed + 3);
const hosts: CliProcess[] = [];
let reference: Awaited<ReturnType<typeof referenceOf>>;

before(async () => {
  reference = await referenceOf(1, relocationId);
});
after(async () => {
  await Promise.all(hosts.map((h) => stopService(h)));
  await closeWorlds();
});

test('kill -9 of `relocate import` mid-run, the same import again at once: it hosts the stages and ends as a clean run', async (t) => {
  const world = await faultWorld('kill_import');
  const written = await exportOf(1);
  const args = ['import', written.exportPath, '--events', written.eventsPath, '--relocation-id', relocationId];
  const first = startCli(args, world.env);
  hosts.push(first);
  const stage = stageNames[1 + Math.floor(next() * (stageNames.length - 1))] as StageName;
  const when = await midStage(world, stage, next, reference);
  const exited = once(first.child, 'exit');
  first.child.kill('SIGKILL');
  await exited;
  t.diagnostic(`killed relocate import at ${when}, ${stage} at work`);
  const second = await runCli([...args, '--json'], world.env, 300_000);
  assert.equal(second.code, 0, second.stderr.slice(-3000));
  assert.equal((second.result as { status?: string } | undefined)?.status, 'success');
  // The first decision found the dead members (or, had the broker dropped them already, nobody): either way the stages were taken up here.
  assert.match(second.stderr, /no live consumer in groups? .*hosting/);
  t.diagnostic(second.stderr.split('\n').filter((l) => !l.startsWith('{') && !l.startsWith('relocating:')).join(' | '));
  assertSameOutcome(await outcomeOf(world), reference);
});
