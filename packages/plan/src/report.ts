import type { PrimaryKeyMapEntry } from '@relocate/codec';
import type { ModelCounts } from '@relocate/database';
import type { Finding } from '@relocate/domain';
import type { Row } from '@relocate/model-writer';

type PlanFinding = Omit<Finding, 'relocationId'>;

/** A secret the import replaced (a new random value) or cleared (set to null) because it collided or was empty. */
export interface TokenChange { model: string; pk: number; field: string; change: 'regenerated' | 'cleared' }

/** What `relocate plan` predicts; the import's result object in the import's own words, plus the decisions behind it. */
export interface ImportPlan {
  status: 'would-succeed' | 'would-fail';
  /** The first error, as `relocate status` would give the failure's reason. */
  reason: string | null;
  models: Record<string, ModelCounts>;
  users: { renamed: Record<string, string>; merged: Record<string, number> };
  /** Requested slug -> final slug, as the import's `slugs`. A random suffix differs from the import's. */
  slugs: Record<string, string>;
  tokens: TokenChange[];
  /** Events the event saver would be handed (their projects mapped). */
  events: number;
  findings: PlanFinding[];
}

/**
 * The secret columns the collision rules may replace. This lists where to look for a decision the rules made; it
 * decides nothing itself.
 */
const secretColumns: ReadonlyMap<string, readonly string[]> = new Map([
  ['sentry.projectkey', ['public_key', 'secret_key']],
  ['sentry.apitoken', ['token', 'refresh_token']],
  ['sentry.apiapplication', ['client_id']],
  ['sentry.orgauthtoken', ['token_hashed']],
  ['sentry.organizationmember', ['token']],
]);

/** Collects a plan batch by batch from what the writer decided. */
export class PlanReport {
  private readonly models: Record<string, ModelCounts> = {};
  private readonly renamed: Record<string, string> = {};
  private readonly merged: Record<string, number> = {};
  private readonly slugs: Record<string, string> = {};
  private readonly tokens: TokenChange[] = [];
  private readonly findings: PlanFinding[] = [];
  private firstError: PlanFinding | undefined;
  private events = 0;

  get failed(): boolean {
    return this.firstError !== undefined;
  }

  finding(f: PlanFinding): void {
    this.findings.push(f);
    if (f.severity === 'error') this.firstError ??= f;
  }

  findingsAbout(model: string): PlanFinding[] {
    return this.findings.filter((f) => f.model === model);
  }

  batch(model: string, entries: readonly PrimaryKeyMapEntry[], rows: readonly Row[]): void {
    // As the import's result, which counts PrimaryKeyMap entries: a model with none is not listed.
    for (const e of entries) {
      const counts = (this.models[model] ??= { inserted: 0, existing: 0, overwritten: 0 });
      if (e.kind === 'INSERTED') counts.inserted++;
      else if (e.kind === 'EXISTING') counts.existing++;
      else counts.overwritten++;
    }
    const newPks = new Map(entries.map((e) => [e.oldPk, e.newPk]));
    for (const row of rows) {
      if (model === 'sentry.user') this.user(row, newPks.get(row.oldPk));
      if (row.decision.kind !== 'INSERTED') continue;
      for (const field of secretColumns.get(model) ?? []) {
        const before = row.source[field] ?? null;
        const after = row.values[field] ?? null;
        if (before !== after) this.tokens.push({ model, pk: row.oldPk, field, change: after === null ? 'cleared' : 'regenerated' });
      }
    }
  }

  private user(row: Row, newPk: number | undefined): void {
    const requested = row.source.username;
    if (typeof requested !== 'string' || requested === '') return;
    if (row.decision.kind === 'EXISTING' && newPk !== undefined) this.merged[requested] = newPk;
    else if (row.decision.kind === 'INSERTED' && row.values.username !== requested) this.renamed[requested] = String(row.values.username);
  }

  slug(requested: string, final: string): void {
    this.slugs[requested] = final;
  }

  eventsMapped(n: number): void {
    this.events += n;
  }

  result(): ImportPlan {
    const e = this.firstError;
    return {
      status: e ? 'would-fail' : 'would-succeed',
      reason: e ? `${e.kind}: ${e.reason}` : null,
      models: this.models,
      users: { renamed: this.renamed, merged: this.merged },
      slugs: this.slugs,
      tokens: this.tokens,
      events: this.events,
      findings: this.findings,
    };
  }
}
