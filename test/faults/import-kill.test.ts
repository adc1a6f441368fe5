import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { stageNames, type StageName } from '@relocate/codec';
import { liveStages } from '@relocate/pipeline';
import { runCli, startCli } from '../harness/processes.ts';
import { assertSameOutcome, exportOf, faultFile, faultWorld, midStage, outcomeOf, random, seed } from './fault-harness.ts';

// `relocate import`, hosting every stage itself, is killed with -9 mid-run (a closed terminal, an OOM kill), and
// the same import is started again at once. The dead process's members are still in the groups: the new import
// must not wait behind them forever but take the stages up once the broker drops them.
const relocationId = 'fault-a';
const next = random(seed + 3);
const { reference, processes } = faultFile();

test('kill -9 of `relocate import` mid-run, the same import again at once: it hosts the stages and ends as a clean run', async (t) => {
  const world = await faultWorld('kill_import');
  const written = await exportOf(1);
  const args = ['import', written.exportPath, '--events', written.eventsPath, '--relocation-id', relocationId];
  // The dead import's members stay in the groups for their session (as long as a person takes to start the
  // import again), so the second import first finds every group live, and must not wait behind them in silence.
  const first = startCli(args, { ...world.env, RELOCATE_SESSION_TIMEOUT_MS: '30000' });
  processes.push(first);
  const stage = stageNames[1 + Math.floor(next() * (stageNames.length - 1))] as StageName;
  const when = await midStage(world, stage, next, reference());
  const exited = once(first.child, 'exit');
  first.child.kill('SIGKILL');
  await exited;
  t.diagnostic(`killed relocate import at ${when}, ${stage} at work`);
  assert.ok((await liveStages(world.connections)).length > 0, 'the dead import\'s members are still in the groups');
  const second = await runCli([...args, '--json'], { ...world.env, RELOCATE_STALL_NOTICE_MS: '5000' }, 300_000);
  assert.equal(second.code, 0, second.stderr.slice(-3000));
  assert.equal((second.result as { status?: string } | undefined)?.status, 'success');
  // It said why nothing moved while the dead members were there, then took the stages up once the broker dropped them.
  const told = second.stderr.split('\n').filter((l) => !l.startsWith('{'));
  const stalled = told.findIndex((l) => /^relocation fault-a: no progress for 5 s$/.test(l));
  const hosting = told.findIndex((l) => /^no live consumer in groups? .*hosting/.test(l));
  assert.ok(stalled >= 0 && hosting > stalled, told.join('\n'));
  assert.match(told[stalled + 1] ?? '', /^ {2}[a-z-]+: no record of relocation fault-a \(partition \d of \d\) done in the last 5 s; group \S+ has \d+ member\(s\)/);
  t.diagnostic(told.filter((l) => !l.startsWith('relocating:')).join(' | '));
  assertSameOutcome(await outcomeOf(world), reference());
});
