import { readToEnd, type TopicMessage } from '@relocate/operations';
import type { Connections } from '@relocate/pipeline';

export type ReadMessage = TopicMessage;

/** Every message on a topic up to its current end, read by a throwaway consumer group. */
export function readTopic(c: Connections, topic: string): Promise<ReadMessage[]> {
  return readToEnd(c.kafka, topic, 'test-reader');
}
