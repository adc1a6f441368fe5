/**
 * Contestant 1, the COPY bound: the same rows, already remapped, go into the same tables with PostgreSQL COPY and
 * no Kafka. Remapping and writing the COPY files happen before the clock starts; only the COPYs are timed. It is
 * the limit of this machine, not a way to import.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '@relocate/config';
import { ident, joinSql, sql } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { contestantInput, countTables, freshDatabase, peakRssBytes, report, timed } from './contestant.ts';
import { eachEvent, eachRecord } from './export-stream.ts';
import { eventMessage, jsonColumns, mapRecord, PkMap } from './remap.ts';

/** A value in COPY's text format. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return text.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] as string);
}

/** One COPY file per table, in the order tables first appear, so dependencies load first. */
class CopyFiles {
  readonly tables: Array<{ table: string; columns: string[]; file: string; out: WriteStream }> = [];
  private readonly byTable = new Map<string, (typeof this.tables)[number]>();
  private readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  async write(table: string, columns: string[], values: unknown[]): Promise<void> {
    let t = this.byTable.get(table);
    if (!t) {
      const file = path.join(this.dir, `${table}.copy`);
      t = { table, columns, file, out: createWriteStream(file) };
      this.tables.push(t);
      this.byTable.set(table, t);
    }
    const line = `${t.columns.map((c) => copyValue(values[columns.indexOf(c)])).join('\t')}\n`;
    if (!t.out.write(line)) await once(t.out, 'drain');
  }

  async close(): Promise<void> {
    await Promise.all(this.tables.map((t) => new Promise<void>((resolve, reject) => t.out.end((err?: Error | null) => (err ? reject(err) : resolve())))));
  }
}

report(async () => {
  const input = contestantInput();
  const config = loadConfig();
  const pool = await freshDatabase(config);
  const graph = ModelGraph.load();
  const json = await jsonColumns(pool);
  const dir = mkdtempSync(path.join(tmpdir(), 'relocate-bench-copy-'));
  const files = new CopyFiles(dir);
  const pks = new PkMap();
  const nextId = new Map<string, number>();
  const newId = (table: string): number => {
    const id = (nextId.get(table) ?? 0) + 1;
    nextId.set(table, id);
    return id;
  };
  const relocationId = 'bench-copy';
  try {
    // Untimed preparation: remap every row and write it in COPY's format, as if the rows had come remapped.
    const organizationOf = new Map<number, number>();
    await eachRecord(input.exportPath, async (r) => {
      if (r.model === 'sentry.option') return; // Config scope: an organization-scope import leaves options out
      const row = mapRecord(graph, json, pks, r);
      const id = newId(row.table);
      pks.set(r.model, r.pk, id);
      if (r.model === 'sentry.project') organizationOf.set(id, row.values[row.columns.indexOf('organization_id')] as number);
      await files.write(row.table, ['id', ...row.columns], [id, ...row.values]);
    });
    const ids = new Map<string, number>();
    const getOrAssign = async (table: string, key: string, columns: string[], values: unknown[]): Promise<number> => {
      const known = ids.get(`${table}:${key}`);
      if (known !== undefined) return known;
      const id = newId(table);
      ids.set(`${table}:${key}`, id);
      await files.write(table, ['id', ...columns], [id, ...values]);
      return id;
    };
    await eachEvent(input.eventsPath, async (e) => {
      const projectId = pks.get('sentry.project', e.project);
      const organizationId = projectId === undefined ? undefined : organizationOf.get(projectId);
      if (projectId === undefined || organizationId === undefined) throw new Error(`event ${e.event_id}: project ${e.project} is not in the export`);
      if (e.release) {
        const release = await getOrAssign('sentry_release', `${organizationId}:${e.release}`, ['organization_id', 'version'], [organizationId, e.release]);
        await getOrAssign('sentry_release_project', `${projectId}:${release}`, ['project_id', 'release_id'], [projectId, release]);
      }
      if (e.environment) {
        const environment = await getOrAssign('sentry_environment', `${organizationId}:${e.environment}`, ['organization_id', 'name'], [organizationId, e.environment]);
        await getOrAssign('sentry_environmentproject', `${projectId}:${environment}`, ['project_id', 'environment_id'], [projectId, environment]);
      }
      await files.write('relocate.saved_event', ['project_id', 'event_id', 'relocation_id', 'message'],
        [projectId, e.event_id, relocationId, eventMessage(e, projectId, organizationId, relocationId)]);
    });
    await files.close();

    const client = await pool.connect();
    try {
      const run = await timed(async () => {
        for (const t of files.tables) {
          await pipeline(createReadStream(t.file), client.query(copyFrom(sql`COPY ${ident(t.table)} (${joinSql(t.columns.map(ident))}) FROM STDIN`.text)));
        }
        for (const t of files.tables) {
          if (t.columns.includes('id')) await client.query(sql`SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM ${ident(t.table)}))`.text, [t.table]);
        }
      });
      return { contestant: 'copy', rows: input.rows, wallMs: run.wallMs, cpuMs: run.cpuMs, peakRssBytes: peakRssBytes(), tables: await countTables(pool) };
    } finally {
      client.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pool.end();
  }
});
