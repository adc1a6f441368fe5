import type { RelocationEvent } from '@relocate/codec';
import { createProducer } from '@relocate/stage-runtime';
import { type OperationsContext, recordGroupOf } from '../context.ts';
import { projectedUpTo } from './projection.ts';
import { startProjector } from './projector.ts';

export class RecordNotProjectedError extends Error {
  override name = 'RecordNotProjectedError';
}

/**
 * Publishes an event about a relocation and returns once the relocation record shows it. When no process projects
 * the record (no stage runs anywhere), this one does until the event is applied.
 */
export async function publishRelocationEvent(c: OperationsContext, event: RelocationEvent, timeoutMs = 60_000): Promise<void> {
  const producer = createProducer(c.kafka);
  await producer.connect();
  let partition: number;
  let offset: string;
  try {
    const [meta] = await producer.send({ topic: c.topics.relocations, acks: -1, messages: [{ key: event.relocationId, value: await c.codec.encode(c.topics.relocations, event) }] });
    if (!meta?.baseOffset) throw new Error(`the broker did not acknowledge the ${event.type} event of relocation ${event.relocationId}`);
    partition = meta.partition;
    offset = meta.baseOffset;
  } finally {
    await producer.disconnect();
  }
  const deadline = Date.now() + timeoutMs;
  let own: { stop(): Promise<void> } | undefined;
  try {
    while (!(await projectedUpTo(c.pool, c.topics.relocations, partition, offset))) {
      if (!own && !(await projectorLive(c))) own = await startProjector(c);
      if (Date.now() > deadline) {
        throw new RecordNotProjectedError(`the relocation record did not show the ${event.type} event of relocation ${event.relocationId} within ${Math.round(timeoutMs / 1000)} s`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    await own?.stop();
  }
}

async function projectorLive(c: OperationsContext): Promise<boolean> {
  const admin = c.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([recordGroupOf(c.config.topicPrefix)]);
    return groups.some((g) => g.members.length > 0);
  } finally {
    await admin.disconnect();
  }
}
