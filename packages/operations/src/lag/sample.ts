import { AssignerProtocol } from 'kafkajs';
import { consumerGroupOf, stageNames, type StageName } from '@relocate/codec';
import { decodeCommitMetadata } from '@relocate/stage-runtime';
import type { OperationsContext } from '../context.ts';
import { inputTopicOf } from '../replay.ts';
import { oldestUnconsumedTimestamps, probeKey } from './probe.ts';
import type { Observation } from './status.ts';

/** One partition of one stage's input, as `kafka-consumer-groups --describe` shows it, and a little more. */
export interface PartitionLag {
  stage: StageName;
  group: string;
  topic: string;
  partition: number;
  /** null where the tool prints "-": the group never committed this partition. */
  committedOffset: number | null;
  logEndOffset: number;
  lag: number | null;
  /** Age of the oldest record the stage has not consumed, from its timestamp; 0 without lag; null if unknown. */
  timeLagSeconds: number | null;
  /** The member that owns the partition, as the tool's CONSUMER-ID; null when none does. */
  consumerId: string | null;
  observation: Observation;
}

export interface LagSample { at: number; partitions: PartitionLag[] }

/** Reads every stage group's committed offsets, their topics' log ends and owners, and the oldest unconsumed records' times. */
export async function sampleLag(c: OperationsContext, opts: { timeLag?: boolean } = {}): Promise<LagSample> {
  const admin = c.kafka.admin();
  await admin.connect();
  const partitions: PartitionLag[] = [];
  let at: number;
  try {
    const groups = stageNames.map((stage) => ({ stage, group: consumerGroupOf(c.config.topicPrefix, stage), topic: inputTopicOf(c.topics, stage) }));
    const described = await admin.describeGroups(groups.map((g) => g.group));
    at = Date.now();
    for (const { stage, group, topic } of groups) {
      const owners = new Map<number, string>();
      for (const member of described.groups.find((g) => g.groupId === group)?.members ?? []) {
        if (member.memberAssignment.length === 0) continue;
        const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        for (const p of assignment?.assignment[topic] ?? []) owners.set(p, member.memberId);
      }
      const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
      for (const end of ends.sort((a, b) => a.partition - b.partition)) {
        const c0 = committed?.partitions.find((p) => p.partition === end.partition);
        const committedOffset = c0 && Number(c0.offset) >= 0 ? Number(c0.offset) : null;
        const meta = decodeCommitMetadata(c0?.metadata);
        const logEndOffset = Number(end.high);
        partitions.push({
          stage, group, topic, partition: end.partition, committedOffset, logEndOffset,
          lag: committedOffset === null ? null : Math.max(0, logEndOffset - committedOffset),
          timeLagSeconds: null,
          consumerId: owners.get(end.partition) ?? null,
          observation: {
            at, committedOffset, logEndOffset, logStartOffset: Number(end.low),
            committedAt: meta?.committedAt ?? null, advancedAt: meta?.advancedAt ?? null, owned: owners.has(end.partition),
          },
        });
      }
    }
  } finally {
    await admin.disconnect();
  }
  for (const p of partitions) if (p.lag === 0) p.timeLagSeconds = 0;
  if (opts.timeLag !== false) {
    const behind = partitions.filter((p) => p.lag !== null && p.lag > 0);
    const times = await oldestUnconsumedTimestamps(c.kafka, `${c.config.topicPrefix}.lag-probe`,
      behind.map((p) => ({ topic: p.topic, partition: p.partition, offset: String(p.committedOffset) })));
    for (const p of behind) {
      const t = times.get(probeKey(p.topic, p.partition));
      if (t !== undefined) p.timeLagSeconds = Math.max(0, (at - t) / 1000);
    }
  }
  return { at, partitions };
}
