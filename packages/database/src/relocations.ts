import type { ImportOptions } from '@relocate/codec';
import { describeFinding, type Finding, fingerprintOf } from '@relocate/domain';
import { type Client, type Pool, withTransaction } from './pool.ts';

type Queryable = Pool | Client;

export type RelocationStatus = 'running' | 'success' | 'failure' | 'cancelled';

export interface RelocationRow {
  id: string;
  status: RelocationStatus;
  options: ImportOptions;
  reason: string | null;
  summary: RelocationSummary | null;
  created_at: Date;
  completed_at: Date | null;
}

export interface ModelCounts { inserted: number; existing: number; overwritten: number }

/** The result object the CLI prints: what a relocation did. */
export interface RelocationSummary {
  relocationId: string;
  status: RelocationStatus;
  reason: string | null;
  models: Record<string, ModelCounts>;
  slugs: Record<string, string>;
  events: number;
  /** Imported users: how many kept their username, those renamed on a collision (asked -> got), those merged. */
  users?: UserOutcomes;
  findings: Array<Omit<Finding, 'relocationId'>>;
}

export interface UserOutcomes { kept: number; renamed: Record<string, string>; merged: string[] }

export async function startRelocation(db: Queryable, id: string, options: ImportOptions): Promise<void> {
  await db.query('INSERT INTO relocate.relocation (id, options) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, options]);
}

export async function getRelocation(db: Queryable, id: string): Promise<RelocationRow | undefined> {
  const { rows } = await db.query<RelocationRow>(
    'SELECT id, status, options, reason, summary, created_at, completed_at FROM relocate.relocation WHERE id = $1',
    [id],
  );
  return rows[0];
}

/** Findings are keyed by fingerprint, so a replayed record reports each problem once. */
export async function recordFindings(db: Queryable, findings: Finding[]): Promise<void> {
  if (findings.length === 0) return;
  const cols = findings.map((f) => [f.relocationId, f.stage, f.severity, f.kind, f.model, f.pk, f.field, f.reason, fingerprintOf(f)]);
  await db.query(
    `INSERT INTO relocate.finding (relocation_id, stage, severity, kind, model, pk, field, reason, fingerprint)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[])
     ON CONFLICT (relocation_id, fingerprint) DO NOTHING`,
    Array.from({ length: 9 }, (_, i) => cols.map((c) => c[i])),
  );
}

/**
 * Which of these records (model, pk) the relocation reported a finding for, so that what refers to them follows
 * them rather than fails: one statement for a whole batch, keyed `model:pk`.
 */
export async function reportedRecords(db: Queryable, relocationId: string, records: ReadonlyArray<readonly [model: string, pk: number]>): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const { rows } = await db.query<{ model: string; pk: number }>(
    `SELECT DISTINCT model, pk FROM relocate.finding
     WHERE relocation_id = $1 AND (model, pk) IN (SELECT * FROM unnest($2::text[], $3::bigint[]))`,
    [relocationId, records.map((r) => r[0]), records.map((r) => r[1])],
  );
  return new Set(rows.map((r) => `${r.model}:${r.pk}`));
}

export async function listFindings(db: Queryable, relocationId: string): Promise<Finding[]> {
  const { rows } = await db.query<Finding & { relocation_id: string }>(
    `SELECT relocation_id AS "relocationId", stage, severity, kind, model, pk, field, reason
     FROM relocate.finding WHERE relocation_id = $1 ORDER BY id`,
    [relocationId],
  );
  return rows;
}

/** Marks a running relocation failed; the first reason stands. A relocation never seen before is recorded as failed. */
export async function failRelocation(db: Queryable, id: string, reason: string): Promise<void> {
  await db.query(
    `INSERT INTO relocate.relocation (id, status, options, reason) VALUES ($1, 'failure', '{}', $2)
     ON CONFLICT (id) DO UPDATE SET status = 'failure', reason = COALESCE(relocate.relocation.reason, EXCLUDED.reason), updated_at = now()
     WHERE relocate.relocation.status = 'running'`,
    [id, reason],
  );
}

/**
 * Records the error that fails a relocation and fails it, in one transaction: a summary built between the two
 * would see the finding without the relocation's reason.
 */
export async function failWithFinding(pool: Pool, finding: Finding): Promise<void> {
  await withTransaction(pool, async (client) => {
    await recordFindings(client, [finding]);
    await failRelocation(client, finding.relocationId, describeFinding(finding));
  });
}

/** A relocation submitted again under its id runs again; every stage's idempotency makes that a no-op for done work. */
export async function restartRelocation(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE relocate.relocation SET status = 'running', reason = NULL, summary = NULL, completed_at = NULL, aborted_at = NULL, completion_published = false, updated_at = now() WHERE id = $1`,
    [id],
  );
}

/** Summarizes a relocation from what its stages recorded. */
export async function buildSummary(db: Queryable, id: string): Promise<RelocationSummary> {
  const relocation = await getRelocation(db, id);
  const { rows: counts } = await db.query<{ model: string; kind: string; n: number }>(
    'SELECT model, kind, count(*)::int AS n FROM relocate.pk_map WHERE relocation_id = $1 GROUP BY model, kind ORDER BY model',
    [id],
  );
  const models: Record<string, ModelCounts> = {};
  for (const c of counts) {
    const m = (models[c.model] ??= { inserted: 0, existing: 0, overwritten: 0 });
    if (c.kind === 'INSERTED') m.inserted = c.n;
    else if (c.kind === 'EXISTING') m.existing = c.n;
    else m.overwritten = c.n;
  }
  const { rows: slugRows } = await db.query<{ requested_slug: string; final_slug: string }>(
    'SELECT requested_slug, final_slug FROM relocate.org_slug WHERE relocation_id = $1 ORDER BY organization_id',
    [id],
  );
  const { rows: eventRows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM relocate.saved_event WHERE relocation_id = $1', [id]);
  const users = await userOutcomes(db, id);
  const findings = (await listFindings(db, id)).map(({ relocationId: _, ...f }) => f);
  const failed = relocation?.status === 'failure' || findings.some((f) => f.severity === 'error');
  const firstError = findings.find((f) => f.severity === 'error');
  return {
    relocationId: id,
    status: failed ? 'failure' : 'success',
    reason: relocation?.reason ?? (firstError ? describeFinding({ relocationId: id, ...firstError }) : null),
    models,
    slugs: Object.fromEntries(slugRows.map((r) => [r.requested_slug, r.final_slug])),
    events: eventRows[0]?.n ?? 0,
    users,
    findings,
  };
}

/**
 * What became of the relocation's users: the PrimaryKeyMap holds the username each asked for, the user row the one
 * it got. Only the users that did not keep theirs come back as rows; the rest are counted.
 */
async function userOutcomes(db: Queryable, id: string): Promise<UserOutcomes> {
  const { rows } = await db.query<{ kind: string; requested: string | null; username: string | null; kept: number }>(
    `WITH u AS (
       SELECT m.kind, m.slug AS requested, a.username
       FROM relocate.pk_map m JOIN auth_user a ON a.id = m.new_pk
       WHERE m.relocation_id = $1 AND m.model = 'sentry.user')
     SELECT kind, requested, username, 0 AS kept FROM u WHERE kind <> 'INSERTED' OR requested IS DISTINCT FROM username AND requested IS NOT NULL
     UNION ALL
     SELECT NULL, NULL, NULL, count(*)::int FROM u WHERE kind = 'INSERTED' AND (requested IS NULL OR requested = username)
     ORDER BY kind NULLS LAST, requested`,
    [id],
  );
  const outcomes: UserOutcomes = { kept: 0, renamed: {}, merged: [] };
  for (const r of rows) {
    if (r.kind === null) outcomes.kept = r.kept;
    else if (r.kind === 'INSERTED') outcomes.renamed[r.requested ?? ''] = r.username ?? '';
    else outcomes.merged.push(r.username ?? '');
  }
  return outcomes;
}

/**
 * A relocation that failed on bad input and waits only to be removed: its later records need no work. One parked
 * at a stage for a retry does not count: its other stages keep going, so the retry ends in a whole relocation.
 */
export async function failedForGood(db: Queryable, id: string): Promise<boolean> {
  return (await writableRelocation(db, id))?.failedForGood ?? false;
}

/** A relocation's options and whether it failed for good (see failedForGood), in one round trip; undefined when unknown. */
export async function writableRelocation(db: Queryable, id: string): Promise<{ options: ImportOptions; failedForGood: boolean } | undefined> {
  const { rows } = await db.query<{ options: ImportOptions; failed_for_good: boolean }>(
    `SELECT r.options, r.status = 'failure' AND NOT EXISTS (SELECT 1 FROM relocate.parked_relocation p WHERE p.relocation_id = r.id) AS failed_for_good
     FROM relocate.relocation r WHERE r.id = $1`,
    [id],
  );
  const r = rows[0];
  return r && { options: r.options, failedForGood: r.failed_for_good };
}

