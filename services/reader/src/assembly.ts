import { PassThrough, type Readable } from 'node:stream';
import { once } from 'node:events';
import StreamJson from 'stream-json';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import JsonlParser from 'stream-json/jsonl/Parser.js';
import type { EventBatch, ModelBatch } from '@relocate/codec';
import { BadInputError } from '@relocate/domain';
import { ModelBatcher, validateRecord } from './batcher.ts';

export interface AssemblyLimits { batchRecords: number; batchBytes: number }

export interface AssemblySink {
  models(batch: ModelBatch): Promise<void>;
  events(batch: EventBatch): Promise<void>;
}

interface InvalidLine { invalid: string }

/**
 * Reassembles one relocation's export (a JSON array) and events file (NDJSON) from ordered chunks, parsing
 * both as streams: memory holds one record and one batch, never the file.
 */
export class RelocationAssembly {
  nextSeq = 0;
  exportDone = false;
  private input = new PassThrough();
  private done: Promise<void>;
  private failure: unknown;
  readonly batcher: ModelBatcher;
  eventCount = 0;
  eventBatches = 0;

  private readonly limits: AssemblyLimits;
  private readonly sink: AssemblySink;

  constructor(limits: AssemblyLimits, sink: AssemblySink) {
    this.limits = limits;
    this.sink = sink;
    this.batcher = new ModelBatcher(limits.batchRecords, limits.batchBytes);
    this.done = this.consumeExport(this.parse(this.input, StreamJson.parser(), StreamArray.streamArray()));
  }

  async write(data: Buffer): Promise<void> {
    this.throwIfFailed();
    if (!this.input.write(data)) await Promise.race([once(this.input, 'drain'), this.done]);
    this.throwIfFailed();
  }

  /** Ends the export part and waits for every batch of it to be handed on. */
  async endExport(): Promise<void> {
    this.input.end();
    await this.done;
    this.throwIfFailed();
    this.exportDone = true;
    if (this.batcher.records === 0) {
      throw new BadInputError({ kind: 'EmptyExport', model: null, pk: null, field: null, reason: 'the export holds no records' });
    }
  }

  startEvents(): void {
    this.nextSeq = 0;
    this.input = new PassThrough();
    // errorIndicator (stream-json >= 1.8, missing from its types) turns a bad line into a value we report.
    const parser = new JsonlParser({ errorIndicator: (err: Error): InvalidLine => ({ invalid: err.message }) } as JsonlParser.JsonlParserOptions);
    this.done = this.consumeEvents(this.parse(this.input, parser));
  }

  async endEvents(): Promise<void> {
    this.input.end();
    await this.done;
    this.throwIfFailed();
  }

  private parse(input: PassThrough, ...steps: NodeJS.ReadWriteStream[]): Readable {
    let stream: NodeJS.ReadableStream = input;
    for (const step of steps) {
      const prev = stream;
      stream = prev.pipe(step);
      (step as unknown as Readable).on('error', (err: Error) => (stream as unknown as Readable).destroy(err));
    }
    return stream as unknown as Readable;
  }

  private async consumeExport(items: Readable): Promise<void> {
    try {
      for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
        const full = this.batcher.add(validateRecord(item.value, item.key));
        if (full) await this.sink.models(full);
      }
      const last = this.batcher.flush();
      if (last) await this.sink.models(last);
    } catch (err) {
      this.failure = err instanceof BadInputError ? err : new BadInputError({
        kind: 'DeserializationFailed', model: null, pk: null, field: null,
        reason: `the export is not a valid JSON array of records: ${(err as Error).message} (${this.batcher.records} records were read before it)`,
      });
      this.input.resume();
    }
  }

  private async consumeEvents(items: Readable): Promise<void> {
    let batch: string[] = [];
    let bytes = 0;
    let first = 1;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      this.eventBatches++;
      await this.sink.events({ ordinal: first, projectsRemapped: false, events: batch });
      first += batch.length;
      batch = [];
      bytes = 0;
    };
    try {
      for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
        const n = item.key + 1;
        const v = item.value;
        if (isInvalid(v) || typeof v !== 'object' || v === null || Array.isArray(v)) {
          throw new BadInputError({
            kind: 'InvalidEvent', model: 'event', pk: null, field: null,
            reason: `event #${n} of the events file is not a JSON object${isInvalid(v) ? `: ${v.invalid}` : ''}`,
          });
        }
        const text = JSON.stringify(v);
        if (batch.length >= this.limits.batchRecords || bytes + text.length > this.limits.batchBytes) await flush();
        batch.push(text);
        bytes += text.length;
        this.eventCount++;
      }
      await flush();
    } catch (err) {
      this.failure = err;
      this.input.resume();
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}

function isInvalid(v: unknown): v is InvalidLine {
  return typeof v === 'object' && v !== null && 'invalid' in v && Object.keys(v).length === 1;
}
