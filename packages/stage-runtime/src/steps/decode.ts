import type { KafkaMessage } from 'kafkajs';
import { type RecordCodec, UndecodableRecordError } from '@relocate/codec';
import { undecodable } from '../dead-letter.ts';
import { type RetryPolicy, withRetry } from '../retry.ts';

export type OnRetry = (err: unknown, attempt: number, delayMs: number) => void;

/**
 * Decode: the message's value in the topic's own type. A registry that does not answer is retried; a message that
 * cannot be read is bad input of its relocation, named by topic, partition and offset.
 */
export function decodeStep<T>(codec: Pick<RecordCodec, 'decode'>, policy: RetryPolicy, onRetry: OnRetry) {
  return async (topic: string, partition: number, message: KafkaMessage): Promise<T> => {
    const raw = message.value;
    if (!raw) throw new Error('record has no value (a tombstone); stages consume only values');
    return withRetry(() => codec.decode<T>(raw, topic), policy, onRetry).catch((err: unknown) => {
      throw err instanceof UndecodableRecordError ? undecodable(err, topic, partition, message.offset) : err;
    });
  };
}
