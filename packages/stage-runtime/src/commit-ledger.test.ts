import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommitLedger, decodeCommitMetadata, type PartitionCommit } from './commit-ledger.ts';

function ledgerAt(clock: { now: number }) {
  const sent: PartitionCommit[] = [];
  const ledger = new CommitLedger(async (c) => {
    sent.push(c);
  }, () => clock.now);
  return { ledger, sent };
}

test('a commit records when it was made and when the offset last moved', async () => {
  const clock = { now: 1000 };
  const { ledger, sent } = ledgerAt(clock);
  await ledger.commit('t', 0, '5');
  clock.now = 2000;
  await ledger.commit('t', 0, '5');
  clock.now = 3000;
  await ledger.commit('t', 0, '7');
  assert.deepEqual(sent.map((c) => [c.offset, decodeCommitMetadata(c.metadata)]), [
    ['5', { committedAt: 1000, advancedAt: 1000 }],
    ['5', { committedAt: 2000, advancedAt: 1000 }],
    ['7', { committedAt: 3000, advancedAt: 3000 }],
  ]);
});

test('refresh commits again only the partitions idle for the interval, at their current offset', async () => {
  const clock = { now: 0 };
  const { ledger, sent } = ledgerAt(clock);
  await ledger.commit('t', 0, '3');
  clock.now = 500;
  await ledger.commit('t', 1, '9');
  clock.now = 1000;
  await ledger.refresh(1000, (e) => assert.fail(String(e)));
  assert.deepEqual(sent.slice(2).map((c) => [c.partition, c.offset]), [[0, '3']]);
});

test('commits of a partition run in order, so a refresh cannot move the offset back', async () => {
  const order: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const ledger = new CommitLedger(async (c) => {
    if (order.length === 0) await gate;
    order.push(c.offset);
  });
  const first = ledger.commit('t', 0, '1');
  const refresh = ledger.refresh(0, () => undefined);
  const second = ledger.commit('t', 0, '2');
  release();
  await Promise.all([first, refresh, second]);
  assert.deepEqual(order.slice(-1), ['2']);
  assert.ok(!order.slice(order.indexOf('2')).includes('1'));
});

test('metadata written by something else is not ours', () => {
  assert.equal(decodeCommitMetadata(''), undefined);
  assert.equal(decodeCommitMetadata('not json'), undefined);
  assert.equal(decodeCommitMetadata('{"t":"x"}'), undefined);
});
