import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import type { EventBatch, ModelBatch } from '@relocate/codec';
import { BadInputError, type ModelGraph } from '@relocate/domain';
import { type ExportRecord, ModelBatcher, validateRecord } from './batcher.ts';
import { OutOfOrderRecords } from './deferral.ts';
import { ProjectsFirst } from './projects-first.ts';
import { eventItems, exportItems, isInvalidLine as isInvalid } from './export-stream.ts';
import type { ExportFilter } from './filters.ts';
import { checkNesting, checkSize } from './limits.ts';
import { Utf8Check } from './utf8.ts';

export interface AssemblyLimits { batchRecords: number; batchBytes: number }

export interface AssemblySink {
  models(batch: ModelBatch): Promise<void>;
  events(batch: EventBatch): Promise<void>;
  /** Records a filter kept out, reported before any batch that could depend on them. */
  filtered(records: Array<{ model: string; pk: number; reason: string }>): Promise<void>;
}

/**
 * Reassembles one relocation's export (a JSON array) and events file (NDJSON) from ordered chunks, parsing
 * both as streams: memory holds one record and one batch, never the file.
 */
export class RelocationAssembly {
  nextSeq = 0;
  exportDone = false;
  private input = new PassThrough();
  private utf8 = new Utf8Check('export');
  private done: Promise<void>;
  private failure: unknown;
  private abandoned = false;
  readonly batcher: ModelBatcher;
  eventCount = 0;
  eventBatches = 0;
  /** The export's project pks, filtered out or not: an event must name one of them. */
  private readonly projects = new Set<number>();

  private readonly limits: AssemblyLimits;
  private readonly sink: AssemblySink;
  private readonly graph: ModelGraph;
  private waiting: OutOfOrderRecords | undefined;

  private readonly filter: ExportFilter | undefined;
  /** With a filter the export is read twice, so it is spooled to a local file; the file goes when the part ends. */
  private readonly spool: { path: string; stream: WriteStream } | undefined;

  /** With events to follow: projects are handed on ahead of the rest (see ProjectsFirst). */
  private readonly projectsFirst: boolean;
  private ahead: ProjectsFirst | undefined;

  constructor(limits: AssemblyLimits, sink: AssemblySink, graph: ModelGraph, filter?: ExportFilter, projectsFirst = false) {
    this.limits = limits;
    this.sink = sink;
    this.graph = graph;
    this.filter = filter;
    this.projectsFirst = projectsFirst;
    this.batcher = new ModelBatcher(limits.batchRecords, limits.batchBytes);
    if (filter) {
      const file = path.join(tmpdir(), `relocate-export-${randomUUID()}.json`);
      this.spool = { path: file, stream: createWriteStream(file) };
      this.done = Promise.resolve();
    } else {
      this.done = this.consumeExport(exportItems(this.input));
    }
  }

  async write(data: Buffer): Promise<void> {
    this.throwIfFailed();
    this.utf8.push(data);
    // The spool holds the export only: the events file that follows it is parsed as it arrives.
    const target = this.spool && !this.exportDone ? this.spool.stream : this.input;
    if (!target.write(data)) await Promise.race([once(target, 'drain'), this.done]);
    this.throwIfFailed();
  }

  /** Ends the export part and waits for every batch of it to be handed on. */
  async endExport(): Promise<void> {
    this.utf8.end();
    if (this.spool && this.filter) {
      const { path: file, stream } = this.spool;
      try {
        stream.end();
        await finished(stream);
        const filter = this.filter;
        await this.consumeExport(exportItems(createReadStream(file)), (r) => void filter.observe(r));
        this.throwIfFailed();
        filter.settle();
        await this.consumeExport(exportItems(createReadStream(file)));
      } finally {
        await rm(file, { force: true });
      }
    } else {
      this.input.end();
      await this.done;
    }
    this.throwIfFailed();
    this.exportDone = true;
    if (this.batcher.records === 0) {
      throw new BadInputError({ kind: 'EmptyExport', model: null, pk: null, field: null, reason: 'the export holds no records' });
    }
  }

  startEvents(): void {
    this.nextSeq = 0;
    this.input = new PassThrough();
    this.utf8 = new Utf8Check('events file');
    this.done = this.consumeEvents(eventItems(this.input));
  }

  async endEvents(): Promise<void> {
    this.utf8.end();
    this.input.end();
    await this.done;
    this.throwIfFailed();
  }

  /** The relocation failed or is read again from its start: the parser ends without handing anything more on. */
  abandon(): void {
    this.abandoned = true;
    this.input.end();
    void this.waiting?.dispose();
    void this.ahead?.dispose();
    if (this.spool) {
      this.spool.stream.destroy();
      void rm(this.spool.path, { force: true });
    }
  }

  /**
   * Parses the export; each record goes to `observe` (a filter's first pass) or, by default, into batches. A record
   * that refers to a model not yet handed on waits on disk and follows the rest in dependency order.
   */
  private async consumeExport(items: Readable, observe?: (r: ExportRecord) => void): Promise<void> {
    const filtered: Array<{ model: string; pk: number; reason: string }> = [];
    const waiting = observe ? undefined : (this.waiting = new OutOfOrderRecords(this.graph));
    const emit = (batch: ModelBatch): Promise<void> => sinking(async () => {
      if (filtered.length > 0) await this.sink.filtered(filtered.splice(0));
      await this.sink.models(batch);
    });
    const admit = async (record: ExportRecord): Promise<void> => {
      const full = this.batcher.add(record);
      if (full) await emit(full);
    };
    // A disk failure is no parse error: like Kafka's, it reads the export again.
    const place = async (record: ExportRecord): Promise<void> => {
      if (waiting?.mustWait(record)) await sinking(() => waiting.defer(record));
      else await admit(record);
    };
    const ahead = observe || !this.projectsFirst ? undefined : (this.ahead = new ProjectsFirst(this.graph));
    const release = async (): Promise<void> => {
      if (!ahead) return;
      const held = ahead.release();
      for (;;) {
        let next: IteratorResult<ExportRecord>;
        try {
          next = await held.next();
        } catch (err) {
          throw new SinkFailure(err); // the disk, not the export: read it again
        }
        if (next.done || this.abandoned) return;
        await place(next.value);
      }
    };
    try {
      for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
        if (this.abandoned) return;
        const record = validateRecord(item.value, item.key);
        if (observe) {
          observe(record);
          continue;
        }
        if (record.model === 'sentry.project') this.projects.add(record.pk);
        const reason = this.filter?.rejection(record);
        if (reason) {
          waiting?.filteredOut(record);
          filtered.push({ model: record.model, pk: record.pk, reason });
          continue;
        }
        const placement = ahead?.place(record) ?? 'hand-on';
        if (placement === 'hold') {
          await sinking(() => (ahead as ProjectsFirst).hold(record));
          continue;
        }
        if (placement === 'release-then-hand-on') await release();
        await place(record);
      }
      await release();
      if (waiting) {
        for await (const record of waiting.drain()) {
          if (this.abandoned) return;
          await admit(record);
        }
      }
      if (this.abandoned) return;
      const last = this.batcher.flush();
      if (last) await emit(last);
      if (filtered.length > 0) await sinking(() => this.sink.filtered(filtered.splice(0)));
    } catch (err) {
      this.failure = err instanceof SinkFailure ? err.cause : err instanceof BadInputError ? err : new BadInputError({
        kind: 'DeserializationFailed', model: null, pk: null, field: null,
        reason: `the export is not a valid JSON array of records: ${(err as Error).message} (${this.batcher.records} records were read before it)`,
      });
      this.input.resume();
    } finally {
      await waiting?.dispose();
      await ahead?.dispose();
    }
  }

  private async consumeEvents(items: Readable): Promise<void> {
    let batch: string[] = [];
    let bytes = 0;
    let first = 1;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      this.eventBatches++;
      await sinking(() => this.sink.events({ ordinal: first, projectsRemapped: false, events: batch }));
      first += batch.length;
      batch = [];
      bytes = 0;
    };
    try {
      for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
        if (this.abandoned) return;
        const n = item.key + 1;
        const v = item.value;
        if (isInvalid(v) || typeof v !== 'object' || v === null || Array.isArray(v)) {
          throw new BadInputError({
            kind: 'InvalidEvent', model: 'event', pk: null, field: null,
            reason: `event #${n} of the events file is not a JSON object${isInvalid(v) ? `: ${v.invalid}` : ''}`,
          });
        }
        checkNesting('event', n, v as Record<string, unknown>);
        this.checkProject(n, (v as Record<string, unknown>).project);
        const text = JSON.stringify(v);
        const size = checkSize('event', n, text);
        if (batch.length >= this.limits.batchRecords || bytes + size > this.limits.batchBytes) await flush();
        batch.push(text);
        bytes += size;
        this.eventCount++;
      }
      if (!this.abandoned) await flush();
    } catch (err) {
      this.failure = err instanceof SinkFailure ? err.cause : err;
      this.input.resume();
    }
  }

  /**
   * An event goes to the event saver as soon as it is read, and waits there until the writer has written (or
   * reported) its project; so its project must be one that the writer will meet.
   */
  private checkProject(n: number, project: unknown): void {
    const invalid = (reason: string): BadInputError => new BadInputError({ kind: 'InvalidEvent', model: 'event', pk: n, field: 'project', reason: `event #${n} ${reason}` });
    if (typeof project !== 'number' || !Number.isSafeInteger(project)) throw invalid('has no integer "project" (the export\'s project pk)');
    if (!this.projects.has(project)) throw invalid(`refers to project pk ${project}, which is not in the export`);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}

/** Marks a failure of handing records on (Kafka, the database), so it is never mistaken for a parse error. */
class SinkFailure extends Error {
  override readonly cause: unknown;
  constructor(cause: unknown) {
    super('handing records on failed');
    this.cause = cause;
  }
}

async function sinking(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    throw new SinkFailure(err);
  }
}
