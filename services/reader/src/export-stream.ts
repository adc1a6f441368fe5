import type { Readable } from 'node:stream';
import StreamJson from 'stream-json';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import JsonlParser from 'stream-json/jsonl/Parser.js';
import { type ExportRecord, validateRecord } from './batcher.ts';

/** A line of an events file that is not JSON, as stream-json's errorIndicator reports it. */
export interface InvalidLine { invalid: string }

/** Pipes input through parser steps; an error in any step ends the last one with it. */
function parse(input: Readable, ...steps: NodeJS.ReadWriteStream[]): Readable {
  let stream: NodeJS.ReadableStream = input;
  for (const step of steps) {
    const prev = stream;
    stream = prev.pipe(step);
    (step as unknown as Readable).on('error', (err: Error) => (stream as unknown as Readable).destroy(err));
  }
  return stream as unknown as Readable;
}

/** The elements of an export (a JSON array) as `{ key, value }` items, parsed as a stream. */
export function exportItems(input: Readable): Readable {
  // Packed values only: the assembler needs no per-character tokens of strings and numbers, and emitting both
  // took half of the parse (stream-json's own advice for speed).
  return parse(input, StreamJson.parser({ streamValues: false }), StreamArray.streamArray());
}

/** The lines of an events file (NDJSON) as `{ key, value }` items; a line that is not JSON is an InvalidLine. */
export function eventItems(input: Readable): Readable {
  // errorIndicator (stream-json >= 1.8, missing from its types) turns a bad line into a value we report.
  return parse(input, new JsonlParser({ errorIndicator: (err: Error): InvalidLine => ({ invalid: err.message }) } as JsonlParser.JsonlParserOptions));
}

/** The records of an export, one at a time and checked as the reader checks them: memory holds one record. */
export async function* exportRecords(input: Readable): AsyncGenerator<ExportRecord> {
  for await (const item of exportItems(input) as AsyncIterable<{ key: number; value: unknown }>) yield validateRecord(item.value, item.key);
}

export function isInvalidLine(v: unknown): v is InvalidLine {
  return typeof v === 'object' && v !== null && 'invalid' in v && Object.keys(v).length === 1;
}
