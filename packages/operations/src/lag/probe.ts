import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export interface ProbeTarget { topic: string; partition: number; offset: string }

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The timestamp of the record at each target offset: the oldest record a stage has not consumed. Read by a
 * throwaway consumer group that seeks to each offset and commits nothing. Targets not read within timeoutMs
 * (a record removed by retention, a slow broker) are missing from the result.
 */
export async function oldestUnconsumedTimestamps(kafka: Kafka, groupPrefix: string, targets: ProbeTarget[], timeoutMs = 10_000): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (targets.length === 0) return found;
  const wanted = new Map(targets.map((t) => [keyOf(t.topic, t.partition), BigInt(t.offset)]));
  const consumer = kafka.consumer({ groupId: `${groupPrefix}.${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set(targets.map((t) => t.topic))], fromBeginning: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, pause }) => {
          const key = keyOf(batch.topic, batch.partition);
          const from = wanted.get(key);
          if (from === undefined || found.has(key)) {
            pause();
            return;
          }
          const first = batch.messages.find((m) => BigInt(m.offset) >= from);
          if (!first) return;
          found.set(key, Number(first.timestamp));
          pause();
          if (found.size === wanted.size) {
            clearTimeout(timer);
            resolve();
          }
        },
      }).then(() => {
        for (const t of targets) consumer.seek({ topic: t.topic, partition: t.partition, offset: t.offset });
      }, reject);
    });
  } finally {
    // kafkajs can leave a consumer's disconnect pending for good when it lands mid group-join; a throwaway probe
    // must not hold the command that asked for it (seen once in CI: `relocate lag` never returned).
    await Promise.race([consumer.disconnect(), new Promise((r) => setTimeout(r, 5_000).unref())]);
  }
  return found;
}

export { keyOf as probeKey };
