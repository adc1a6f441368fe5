import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RelocationEvent } from '@relocate/codec';
import { PartitionOffsets } from '../offsets.ts';
import { BatchProgress } from '../progress.ts';
import { commitStep } from './commit.ts';

test('progress is reported before the offset is committed, and never past a held record', async () => {
  const log: string[] = [];
  const step = commitStep(async (events: RelocationEvent[]) => void log.push(`report ${events.map((e) => e.type).join(',')}`), async (t, p, o) => void log.push(`commit ${t}[${p}]@${o}`));
  const offsets = new PartitionOffsets();
  const progress = new BatchProgress('writer');
  progress.record('r1', 0, '10');
  offsets.processed('10');
  offsets.processed('11');
  await step('t', 0, offsets, progress);
  offsets.hold('r2', '12');
  offsets.processed('13');
  await step('t', 0, offsets, progress);
  assert.deepEqual(log, ['report STAGE_PROGRESS', 'commit t[0]@12', 'report ', 'commit t[0]@12']);
});

test('nothing processed: nothing committed', async () => {
  let commits = 0;
  await commitStep(async () => undefined, async () => void commits++)('t', 0, new PartitionOffsets(), new BatchProgress('writer'));
  assert.equal(commits, 0);
});
