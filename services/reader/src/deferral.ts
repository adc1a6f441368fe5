import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { ModelGraph } from '@relocate/domain';
import type { ExportRecord } from './batcher.ts';

/**
 * Records that arrive before the models their foreign keys point at (Sentry 23.7 wrote `sentry.apikey` before
 * `sentry.organization`) wait on local disk, one file per model, and are handed on after the rest of the export,
 * in the current dependency order. Memory holds one record, whatever the export's size.
 *
 * A record waits when one of its foreign keys holds a pk of a model no record of which has passed yet, or of a
 * model that itself waits: a target that never comes is still a DanglingForeignKey when the record is written.
 * Once a model waits, every later record of it waits too, so its records keep their order in the file.
 */
export class OutOfOrderRecords {
  private readonly graph: ModelGraph;
  /** Models at least one record of which was handed on (or filtered out): a reference to them is not early. */
  private readonly passed = new Set<string>();
  private readonly spools = new Map<string, WriteStream>();
  private dir: string | undefined;
  deferred = 0;

  constructor(graph: ModelGraph) {
    this.graph = graph;
  }

  /** Whether the record must wait; if not, its model counts as passed. */
  mustWait(record: ExportRecord): boolean {
    if (this.spools.has(record.model)) return true;
    const relations = this.graph.get(record.model);
    const early = relations !== undefined && [...relations.foreignKeys].some(([field, fk]) =>
      fk.model !== record.model && record.fields[field] != null && (!this.passed.has(fk.model) || this.spools.has(fk.model)));
    if (!early) this.passed.add(record.model);
    return early;
  }

  /** A record kept out by a filter still stands for its model: the writer drops its dependants with it. */
  filteredOut(record: ExportRecord): void {
    if (!this.spools.has(record.model)) this.passed.add(record.model);
  }

  async defer(record: ExportRecord): Promise<void> {
    let spool = this.spools.get(record.model);
    if (!spool) {
      this.dir ??= path.join(tmpdir(), `relocate-deferred-${randomUUID()}`);
      await mkdir(this.dir, { recursive: true });
      spool = createWriteStream(path.join(this.dir, `${this.spools.size}.ndjson`));
      this.spools.set(record.model, spool);
    }
    this.deferred++;
    if (!spool.write(`${JSON.stringify(record)}\n`)) await once(spool, 'drain');
  }

  /** The waiting records, model by model in dependency order, each model's in the order of the file. */
  async *drain(): AsyncGenerator<ExportRecord> {
    if (this.spools.size === 0) return;
    const models = [...this.spools.keys()];
    for (const spool of this.spools.values()) {
      spool.end();
      await finished(spool);
    }
    for (const model of this.graph.sortedDependencies(models)) {
      const spool = this.spools.get(model) as WriteStream;
      const lines = createInterface({ input: createReadStream(spool.path as string), crlfDelay: Infinity });
      for await (const line of lines) if (line) yield JSON.parse(line) as ExportRecord;
    }
  }

  /** Removes the spool files; safe to call more than once. */
  async dispose(): Promise<void> {
    for (const spool of this.spools.values()) spool.destroy();
    this.spools.clear();
    this.passed.clear();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
