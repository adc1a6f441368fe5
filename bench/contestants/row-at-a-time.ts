/**
 * Contestant 2, the ROW-AT-A-TIME BASELINE: a yardstick, not an importer. It writes the way Sentry's importer
 * does: per row a collision SELECT on the model's unique key, an `INSERT ... RETURNING id` and a PrimaryKeyMap
 * insert, with one transaction per 20 rows. Events go the same way (a collision SELECT and an INSERT each), with
 * their releases and environments got-or-created once per key.
 */
import { loadConfig } from '@relocate/config';
import type { Client } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { contestantInput, countTables, freshDatabase, peakRssBytes, report, timed } from './contestant.ts';
import { eachEvent, eachRecord } from './export-stream.ts';
import { collisionKey, eventMessage, jsonColumns, mapRecord, PkMap } from './remap.ts';

const rowsPerTransaction = 20;

/** BEGIN, then COMMIT and BEGIN again every 20 rows. */
class Transactions {
  private inTransaction = 0;
  private readonly client: Client;
  constructor(client: Client) {
    this.client = client;
  }

  async row(): Promise<void> {
    if (this.inTransaction === 0) await this.client.query('BEGIN');
    if (++this.inTransaction === rowsPerTransaction) {
      await this.client.query('COMMIT');
      this.inTransaction = 0;
    }
  }

  async finish(): Promise<void> {
    if (this.inTransaction > 0) await this.client.query('COMMIT');
    this.inTransaction = 0;
  }
}

report(async () => {
  const input = contestantInput();
  const config = loadConfig();
  const pool = await freshDatabase(config);
  const graph = ModelGraph.load();
  const json = await jsonColumns(pool);
  const relocationId = 'bench-baseline';
  await pool.query(`INSERT INTO relocate.relocation (id, options) VALUES ($1, '{"scope":"ORGANIZATION"}')`, [relocationId]);
  const client = await pool.connect();
  try {
    const run = await timed(async () => {
      const tx = new Transactions(client);
      const pks = new PkMap();
      const organizationOf = new Map<number, number>();
      const one = async (sql: string, params: unknown[]): Promise<number | undefined> => (await client.query<{ id: number }>(sql, params)).rows[0]?.id;

      await eachRecord(input.exportPath, async (r) => {
        if (r.model === 'sentry.option') return; // Config scope: an organization-scope import leaves options out
        await tx.row();
        const row = mapRecord(graph, json, pks, r);
        const key = collisionKey(graph, row, r.model);
        const existing = key
          ? await one(`SELECT id FROM ${row.table} WHERE ${key.where} LIMIT 1`, key.values)
          : undefined;
        const id = existing ?? await one(
          `INSERT INTO ${row.table} (${row.columns.join(', ')}) VALUES (${row.columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
          row.values,
        );
        if (id === undefined) throw new Error(`${r.model} pk ${r.pk}: INSERT returned no id`);
        pks.set(r.model, r.pk, id);
        if (r.model === 'sentry.project') organizationOf.set(id, row.values[row.columns.indexOf('organization_id')] as number);
        await client.query(
          'INSERT INTO relocate.pk_map (relocation_id, model, old_pk, new_pk, kind) VALUES ($1, $2, $3, $4, $5)',
          [relocationId, r.model, r.pk, id, existing === undefined ? 'INSERTED' : 'EXISTING'],
        );
      });

      const known = new Map<string, number>();
      const getOrCreate = async (table: string, columns: [string, string], values: [unknown, unknown]): Promise<number> => {
        const cacheKey = `${table}:${String(values[0])}:${String(values[1])}`;
        const cached = known.get(cacheKey);
        if (cached !== undefined) return cached;
        const id = await one(`SELECT id FROM ${table} WHERE ${columns[0]} = $1 AND ${columns[1]} = $2`, values)
          ?? await one(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ($1, $2) RETURNING id`, values);
        if (id === undefined) throw new Error(`${table} ${cacheKey}: INSERT returned no id`);
        known.set(cacheKey, id);
        return id;
      };
      await eachEvent(input.eventsPath, async (e) => {
        await tx.row();
        const projectId = pks.get('sentry.project', e.project);
        const organizationId = projectId === undefined ? undefined : organizationOf.get(projectId);
        if (projectId === undefined || organizationId === undefined) throw new Error(`event ${e.event_id}: project ${e.project} is not in the export`);
        if (e.release) {
          const release = await getOrCreate('sentry_release', ['organization_id', 'version'], [organizationId, e.release]);
          await getOrCreate('sentry_release_project', ['project_id', 'release_id'], [projectId, release]);
        }
        if (e.environment) {
          const environment = await getOrCreate('sentry_environment', ['organization_id', 'name'], [organizationId, e.environment]);
          await getOrCreate('sentry_environmentproject', ['project_id', 'environment_id'], [projectId, environment]);
        }
        const saved = await one('SELECT 1 AS id FROM relocate.saved_event WHERE project_id = $1 AND event_id = $2', [projectId, e.event_id]);
        if (saved === undefined) {
          await client.query(
            `INSERT INTO relocate.saved_event (project_id, event_id, relocation_id, message) VALUES ($1, $2, $3, $4) RETURNING project_id`,
            [projectId, e.event_id, relocationId, eventMessage(e, projectId, organizationId, relocationId)],
          );
        }
      });
      await tx.finish();
    });
    return { contestant: 'baseline', rows: input.rows, wallMs: run.wallMs, cpuMs: run.cpuMs, peakRssBytes: peakRssBytes(), tables: await countTables(pool) };
  } finally {
    client.release();
    await pool.end();
  }
});
