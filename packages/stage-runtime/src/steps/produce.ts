import type { IHeaders, Message, TopicMessages } from 'kafkajs';
import type { RecordCodec } from '@relocate/codec';

export interface Output { topic: string; key: string; value: object; headers?: IHeaders }

/** Encodes outputs in the wire format, one list of messages per topic, in the order they were made. */
async function encodeOutputs(codec: Pick<RecordCodec, 'encode'>, outputs: Output[]): Promise<TopicMessages[]> {
  const byTopic = new Map<string, Message[]>();
  for (const o of outputs) {
    const value = await codec.encode(o.topic, o.value);
    const list = byTopic.get(o.topic) ?? [];
    list.push(o.headers ? { key: o.key, value, headers: o.headers } : { key: o.key, value });
    byTopic.set(o.topic, list);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** Produce: sends the outputs in one batch and resolves once the broker acknowledged all of them. */
export function produceStep(codec: Pick<RecordCodec, 'encode'>, send: (topicMessages: TopicMessages[]) => Promise<unknown>) {
  return async (outputs: Output[]): Promise<void> => {
    if (outputs.length === 0) return;
    await send(await encodeOutputs(codec, outputs));
  };
}
