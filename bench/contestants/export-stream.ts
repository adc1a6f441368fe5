import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import StreamJson from 'stream-json';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import JsonlParser from 'stream-json/jsonl/Parser.js';

export interface ExportRecord { model: string; pk: number; fields: Record<string, unknown> }
export interface ExportEvent { event_id: string; project: number; release?: string; environment?: string; [field: string]: unknown }

/** Hands each record of an export file to fn, in order, parsing the file as a stream as relocate's reader does. */
export async function eachRecord(path: string, fn: (r: ExportRecord) => Promise<void> | void): Promise<void> {
  await pipeline(createReadStream(path), StreamJson.parser(), StreamArray.streamArray(), async (items: AsyncIterable<{ value: ExportRecord }>) => {
    for await (const { value } of items) await fn(value);
  });
}

export async function eachEvent(path: string, fn: (e: ExportEvent) => Promise<void> | void): Promise<void> {
  await pipeline(createReadStream(path), new JsonlParser(), async (items: AsyncIterable<{ value: ExportEvent }>) => {
    for await (const { value } of items) await fn(value);
  });
}
