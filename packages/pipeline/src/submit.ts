import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ExportChunk, ImportOptions } from '@relocate/codec';
import { compressionOf, createProducer } from '@relocate/stage-runtime';
import type { Connections } from '@relocate/stage-host';

export interface Submission { relocationId: string; exportPath: string; eventsPath?: string | undefined; options: ImportOptions }

// Under Kafka's default max message size (1 MiB), with room for the envelopes.
const maxSendBytes = 1_000_000;

/** Chunks of a file in order, each flagged whether it is the last; an empty file is one empty last chunk. */
async function* chunksOf(path: string, size: number): AsyncGenerator<{ data: Buffer; isLast: boolean }> {
  let previous: Buffer | undefined;
  for await (const piece of createReadStream(path, { highWaterMark: size }) as AsyncIterable<Buffer>) {
    if (previous) yield { data: previous, isLast: false };
    previous = piece;
  }
  yield { data: previous ?? Buffer.alloc(0), isLast: true };
}

/**
 * Produces an export (and its events file) to the exports topic, keyed by relocation id so its chunks stay in
 * order on one partition. Returns the number of chunks sent.
 */
export async function submitRelocation(c: Connections, s: Submission): Promise<number> {
  const producer = createProducer(c.kafka);
  await producer.connect();
  let sent = 0;
  const submissionId = randomUUID();
  try {
    const send = async (chunks: ExportChunk[]): Promise<void> => {
      if (chunks.length === 0) return;
      const messages = await Promise.all(chunks.map(async (chunk) => ({ key: s.relocationId, value: await c.codec.encode(c.topics.exports, chunk) })));
      await producer.send({ topic: c.topics.exports, acks: -1, compression: compressionOf(c.config.kafkaCompression), messages });
      sent += chunks.length;
    };
    const parts: Array<['EXPORT' | 'EVENTS', string]> = [['EXPORT', s.exportPath]];
    if (s.eventsPath) parts.push(['EVENTS', s.eventsPath]);
    for (const [part, path] of parts) {
      let seq = 0;
      let pending: ExportChunk[] = [];
      let pendingBytes = 0;
      for await (const { data, isLast } of chunksOf(path, c.config.chunkBytes)) {
        // One send is one record batch on the partition, and the broker refuses a batch over its max message size
        // whatever the compression achieves; a chunk is at most 900 kB, so a lone chunk always fits.
        if (pendingBytes + data.length > maxSendBytes) {
          await send(pending);
          pending = [];
          pendingBytes = 0;
        }
        pendingBytes += data.length;
        pending.push({
          relocationId: s.relocationId,
          part,
          seq,
          isLast,
          // On every chunk of the export, so the reader knows from the first that events follow.
          hasEvents: part === 'EXPORT' && s.eventsPath !== undefined,
          options: part === 'EXPORT' && seq === 0 ? s.options : null,
          data,
          submissionId,
        });
        seq++;
      }
      await send(pending);
    }
  } finally {
    await producer.disconnect();
  }
  return sent;
}
