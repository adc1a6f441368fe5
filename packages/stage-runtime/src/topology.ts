import type { Kafka } from 'kafkajs';
import { RecordCodec, type Topics, valueTypeOf } from '@relocate/codec';

/** Creates every topic of the pipeline (a no-op for those that exist) and registers each topic's value schema. */
export async function ensureTopology(kafka: Kafka, codec: RecordCodec, topics: Topics, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [topics.exports, topics.models, topics.written, topics.slugs, topics.reserved, topics.eventstream, topics.relocations, ...Object.values(topics.dlq)];
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      }).catch((err: Error) => {
        // Another process creating the same topic at the same moment is fine.
        if (!/already exists/i.test(err.message)) throw err;
      });
    }
  } finally {
    await admin.disconnect();
  }
  await codec.registerAll(valueTypeOf(topics));
}
