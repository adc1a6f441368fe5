import type { IHeaders } from 'kafkajs';
import { consumerGroupOf, stageNames, type StageName, type Topics } from '@relocate/codec';
import { createProducer, deadLetterHeaderNames } from '@relocate/stage-runtime';
import type { OperationsContext } from './context.ts';
import { OperationRefusedError, parkedStages, reopenAtStage } from './control.ts';
import { firstRecordOf, relocationView } from './record/views.ts';
import { readToEnd } from './topic-reader.ts';

export function inputTopicOf(topics: Topics, stage: StageName): string {
  const inputs: Record<StageName, string> = {
    reader: topics.exports, writer: topics.models, 'slug-resolver': topics.written, reservation: topics.slugs, 'event-saver': topics.reserved,
  };
  return inputs[stage];
}

export function parseStage(name: string): StageName {
  if (!(stageNames as readonly string[]).includes(name)) throw new OperationRefusedError(`unknown stage ${name}; stages are ${stageNames.join(', ')}`);
  return name as StageName;
}

export interface ReplayResult { stage: StageName; mode: 'dlq' | 'rewind'; relocations: string[]; records: number; partition?: number; offset?: number }

const header = (h: IHeaders | undefined, name: string): string | undefined => {
  const v = h?.[name];
  return v === undefined ? undefined : Array.isArray(v) ? v[0]?.toString() : v.toString();
};

/** Reopens a relocation at a stage when the record shows it failed or parked there; a running one is left alone. */
async function reopenIfFailed(c: OperationsContext, id: string, stage: StageName): Promise<void> {
  const r = await relocationView(c.pool, id);
  const parked = (await parkedStages(c, id)).includes(stage);
  if (parked || r?.status === 'failure') await reopenAtStage(c, id, stage);
}

/**
 * Sends a stage's dead-lettered records (of one relocation, or all) back to the stage's input, each once however
 * often it went round, in their order, without the DLQ's headers. Their relocations are reopened at the stage
 * first, so it processes them instead of parking them again. Safe because every stage is idempotent.
 */
export async function replayFromDlq(c: OperationsContext, stage: StageName, relocationId?: string): Promise<ReplayResult> {
  const dlq = await readToEnd(c.kafka, c.topics.dlq[stage], `${c.config.topicPrefix}.replay`);
  const seen = new Set<string>();
  const picked = dlq.filter(({ partition, message }) => {
    const key = message.key?.toString() ?? '';
    if (relocationId !== undefined && key !== relocationId) return false;
    const origin = header(message.headers, 'relocate.first.origin') ?? `${c.topics.dlq[stage]}:${partition}:${message.offset}`;
    if (seen.has(origin)) return false;
    seen.add(origin);
    return true;
  });
  const relocations = [...new Set(picked.map((m) => m.message.key?.toString() ?? '').filter(Boolean))];
  for (const id of relocations) await reopenIfFailed(c, id, stage);
  const input = inputTopicOf(c.topics, stage);
  const producer = createProducer(c.kafka);
  await producer.connect();
  try {
    for (const { partition, message } of picked) {
      const headers: IHeaders = Object.fromEntries(Object.entries(message.headers ?? {}).filter(([k]) => !deadLetterHeaderNames.includes(k)));
      headers['relocate.replayed.from'] = `${c.topics.dlq[stage]}:${partition}:${message.offset}`;
      if (header(message.headers, 'relocate.original.topic') !== input) {
        throw new OperationRefusedError(`DLQ record ${c.topics.dlq[stage]}[${partition}]@${message.offset} came from ${header(message.headers, 'relocate.original.topic') ?? 'an unknown topic'}, not ${stage}'s input ${input}`);
      }
      // One by one, acknowledged: the order of a relocation's records is the order they must be processed in.
      await producer.send({ topic: input, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    }
  } finally {
    await producer.disconnect();
  }
  return { stage, mode: 'dlq', relocations, records: picked.length };
}

/**
 * Moves a stage's committed offset back to the relocation's first record on its input, so the stage processes
 * it again from there (and every later record of any relocation: idempotent, so harmless). Kafka moves a group's
 * offsets only while the group has no members, so the stage's consumers must be stopped first.
 */
export async function rewindToRelocation(c: OperationsContext, stage: StageName, relocationId: string): Promise<ReplayResult> {
  const first = await firstRecordOf(c.pool, relocationId, stage);
  if (!first) throw new OperationRefusedError(`${stage} never reported a record of relocation ${relocationId}, so there is no first record to rewind to`);
  const groupId = consumerGroupOf(c.config.topicPrefix, stage);
  const admin = c.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const members = groups[0]?.members.length ?? 0;
    if (members > 0) throw new OperationRefusedError(`${stage} has ${members} live consumer(s) in group ${groupId}; stop them first, as Kafka moves a group's offsets only while it is empty`);
    await reopenIfFailed(c, relocationId, stage);
    await admin.setOffsets({ groupId, topic: inputTopicOf(c.topics, stage), partitions: [{ partition: first.partition, offset: String(first.offset) }] });
  } finally {
    await admin.disconnect();
  }
  return { stage, mode: 'rewind', relocations: [relocationId], records: 0, partition: first.partition, offset: first.offset };
}

/** `relocate retry`: re-runs a failed relocation from the stage where it failed, by replaying that stage's DLQ. */
export async function retryRelocation(c: OperationsContext, relocationId: string): Promise<ReplayResult[]> {
  const r = await relocationView(c.pool, relocationId);
  if (!r) throw new OperationRefusedError(`no relocation ${relocationId}`);
  const stages = await parkedStages(c, relocationId);
  if (stages.length === 0) {
    throw new OperationRefusedError(`relocation ${relocationId} is ${r.status} and no stage holds records of it in its DLQ; ${r.status === 'failure' ? 'submit it again with `relocate import --relocation-id` to re-run it' : 'there is nothing to retry'}`);
  }
  const results: ReplayResult[] = [];
  for (const stage of stages) results.push(await replayFromDlq(c, stage, relocationId));
  return results;
}
