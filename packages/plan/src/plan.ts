import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { EventBatch, ImportOptions, ModelBatch, PrimaryKeyMapEntry } from '@relocate/codec';
import { claimOrganizationSlug, type Client, type Pool, recordFindings, startRelocation, temporaryRenameAlias, withRolledBackTransaction } from '@relocate/database';
import { BadInputError, type Finding, type ModelGraph } from '@relocate/domain';
import { BatchWriter, deferredModels, MissingTableError, type SiteSettings, winningRaces } from '@relocate/model-writer';
import { ExportFilter, filteredOutFindings, RelocationAssembly } from '@relocate/reader';
import { droppedEventFindings, remapEventProjects } from '@relocate/event-saver';
import { EarlierUsernames } from './earlier-usernames.ts';
import { PlannedMap } from './planned-map.ts';
import { type ImportPlan, PlanReport } from './report.ts';

export interface PlanDeps { pool: Pool; graph: ModelGraph; site: SiteSettings; batchRecords: number; batchBytes: number }
export interface PlanInput { exportPath: string; eventsPath?: string | undefined; options: ImportOptions }

/**
 * `relocate plan`: every decision the import would make against the database as it is, and nothing kept. The
 * export is read by the reader's own assembly (parse, limits, filters, the same batches), and each batch is
 * written by the writer's own BatchWriter inside a transaction that is rolled back, so the collision rules, the
 * column checks and PostgreSQL's own constraints decide as they would in the import. What a batch decided is
 * carried to the next in memory (PlannedMap): one transaction per batch, so a plan holds locks no longer than
 * the import's writer does.
 */
export async function planImport(deps: PlanDeps, input: PlanInput): Promise<ImportPlan> {
  // Under its own id, inserted and rolled back in every batch: never committed, never seen by anyone else.
  const relocationId = `plan-${randomUUID()}`;
  const map = new PlannedMap();
  const writer = new BatchWriter(deps.graph, deps.site, map);
  const report = new PlanReport();
  // Slugs claimed by earlier batches' organizations, claimed again (and rolled back again) before a later batch
  // decides, so two organizations of one export never get the same slug in the plan either.
  const claimedSlugs: Array<{ slug: string; organizationId: number }> = [];
  const usernames = new EarlierUsernames();

  const inBatch = <T>(fn: (client: Client) => Promise<T>): Promise<T> =>
    withRolledBackTransaction(deps.pool, async (client) => {
      await startRelocation(client, relocationId, input.options);
      return fn(client);
    });

  const note = (findings: ReadonlyArray<Omit<Finding, 'relocationId'>>): void => {
    for (const f of findings) {
      report.finding(f);
      if (f.model !== null && f.pk !== null) map.drop(f.model, f.pk);
    }
  };
  const fail = (stage: string, err: unknown): void => {
    if (err instanceof BadInputError) note([{ stage, ...err.finding }]);
    // The import parks the relocation at the writer until the table exists: it cannot succeed as things are.
    else if (err instanceof MissingTableError) note([{ stage, severity: 'error', kind: err.name, model: null, pk: null, field: null, reason: err.message }]);
    else throw err;
  };

  const models = async (batch: ModelBatch): Promise<void> => {
    // The import writes nothing more of a relocation that failed on bad input.
    if (report.failed) return;
    // Org auth tokens are written by the reservation stage, after every slug is final: here, after the slugs of
    // every earlier batch were decided, which is the same thing.
    const stage = deferredModels.has(batch.model) ? 'reservation' : 'writer';
    try {
      // As the import does, a batch that loses a unique race is planned again and then sees the winner.
      const r = await winningRaces(() => inBatch(async (client) => {
        if (batch.model === 'sentry.user') await usernames.restore(client, batch);
        const written = await writer.write(client, relocationId, input.options, batch);
        const slugs = batch.model === 'sentry.organization' ? await finalSlugs(client, written.entries, claimedSlugs) : [];
        return { ...written, slugs };
      }));
      note(r.warnings.map((w) => ({ stage, severity: 'warning', ...w })));
      map.record(batch.model, r.entries);
      report.batch(batch.model, r.entries, r.rows);
      if (batch.model === 'sentry.user') usernames.remember(r.rows);
      for (const s of r.slugs) {
        map.setSlug(batch.model, s.oldPk, s.final);
        report.slug(s.requested, s.final);
        claimedSlugs.push({ slug: s.final, organizationId: s.organizationId });
      }
    } catch (err) {
      fail(stage, err);
    }
  };

  const events = async (batch: EventBatch): Promise<void> => {
    if (report.failed) return;
    try {
      // The event saver maps events through the committed map and findings; the plan's projects are put there for
      // the length of the batch's transaction. Every model is planned before the first event.
      const r = await inBatch(async (client) => {
        const projects = map.entries('sentry.project');
        await client.query(
          `INSERT INTO relocate.pk_map (relocation_id, model, old_pk, new_pk, kind, slug)
           SELECT $1, 'sentry.project', * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[])`,
          [relocationId, projects.map((p) => p.oldPk), projects.map((p) => p.newPk), projects.map((p) => p.kind), projects.map((p) => p.slug)],
        );
        await recordFindings(client, report.findingsAbout('sentry.project').map((f) => ({ relocationId, ...f })));
        const remapped = await remapEventProjects(client, relocationId, batch);
        if (remapped.pending.length > 0) throw new Error(`the plan accounts for no project pk ${remapped.pending.join(', ')}, which events name`);
        return remapped;
      });
      note(droppedEventFindings(relocationId, r.dropped).map(({ relocationId: _, ...f }) => f));
      report.eventsMapped(r.events.length);
    } catch (err) {
      fail('event-saver', err);
    }
  };

  const assembly = new RelocationAssembly({ batchRecords: deps.batchRecords, batchBytes: deps.batchBytes }, {
    models,
    events,
    filtered: async (records) => note(filteredOutFindings(relocationId, records).map(({ relocationId: _, ...f }) => f)),
  }, deps.graph, ExportFilter.of(input.options), input.eventsPath !== undefined);
  try {
    for await (const chunk of createReadStream(input.exportPath)) await assembly.write(chunk as Buffer);
    await assembly.endExport();
    if (input.eventsPath !== undefined) {
      assembly.startEvents();
      for await (const chunk of createReadStream(input.eventsPath)) await assembly.write(chunk as Buffer);
      await assembly.endEvents();
    }
  } catch (err) {
    assembly.abandon();
    fail('reader', err);
  }
  return report.result();
}

interface SlugOutcome { oldPk: number; organizationId: number; requested: string; final: string }

/**
 * The slug-resolver's decision for each new organization of the batch, in the batch's transaction (so the
 * temporary reservations it claims go with the rollback). Earlier batches' claims are made again first.
 */
async function finalSlugs(client: Client, entries: readonly PrimaryKeyMapEntry[], earlier: ReadonlyArray<{ slug: string; organizationId: number }>): Promise<SlugOutcome[]> {
  if (earlier.length > 0) {
    await client.query(
      `INSERT INTO sentry_organizationslugreservation (slug, organization_id, user_id, reservation_type)
       SELECT slug, organization_id, -1, $3 FROM unnest($1::text[], $2::bigint[]) AS c(slug, organization_id) ON CONFLICT DO NOTHING`,
      [earlier.map((c) => c.slug), earlier.map((c) => c.organizationId), temporaryRenameAlias],
    );
  }
  const out: SlugOutcome[] = [];
  for (const e of entries) {
    if (e.kind !== 'INSERTED') continue;
    const requested = e.slug ?? '';
    out.push({ oldPk: e.oldPk, organizationId: e.newPk, requested, final: await claimOrganizationSlug(client, e.newPk, requested) });
  }
  return out;
}
