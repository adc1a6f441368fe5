import { organizationSlugTarget } from '@relocate/domain';
import { Claimed, drawIds, existingIds } from './lookup.ts';
import type { ModelRule } from './types.ts';

/** Sentry's OrganizationStatus.RELOCATION_PENDING_APPROVAL. */
const relocationPendingApproval = 3;

/** Organizations are written hidden under a placeholder slug; the slug-resolver and reservation stages give the final one. */
export const organization: ModelRule = {
  normalize(row) {
    row.slug = organizationSlugTarget(String(row.values.slug ?? ''));
    return true;
  },
  beforeInsert(rows, ctx) {
    for (const r of rows) {
      // Unique by construction and not a slug anyone can ask for; replaced once the final slug is reserved.
      r.values.slug = `relocating-${String(r.values.id)}`;
      if (ctx.options.hideOrganizations) {
        r.hiddenStatus = Number(r.values.status ?? 0);
        r.values.status = relocationPendingApproval;
      }
    }
  },
  async afterInsert(rows, ctx) {
    const hidden = rows.filter((r) => r.hiddenStatus !== undefined);
    if (hidden.length === 0) return;
    await ctx.client.query(
      `INSERT INTO relocate.hidden_organization (relocation_id, organization_id, original_status)
       SELECT $1, * FROM unnest($2::bigint[], $3::int[]) ON CONFLICT DO NOTHING`,
      [ctx.relocationId, hidden.map((r) => r.values.id), hidden.map((r) => r.hiddenStatus)],
    );
  },
};

/** Members: an inviter who was not imported becomes null; a colliding invite token is dropped from the imported member. */
export const organizationMember: ModelRule = {
  nullWhenUnmapped: new Set(['inviter_id']),
  async resolveCollisions(rows, ctx) {
    const existing = await existingIds(ctx, 'sentry_organizationmember', 'token', rows.map((r) => r.values.token));
    const claimed = new Claimed();
    for (const row of rows) {
      if (row.values.token == null) continue;
      if (existing.has(String(row.values.token)) || claimed.has(row.values.token)) row.values.token = null;
      else claimed.claim(row.values.token, row);
    }
  },
};

/** Projects keep their ids in global scope, so DSNs survive, wherever the target has no row with that id. */
export const project: ModelRule = {
  async beforeInsert(rows, ctx) {
    if (ctx.options.scope !== 'GLOBAL') return;
    const { rows: taken } = await ctx.client.query<{ id: number }>('SELECT id FROM sentry_project WHERE id = ANY($1::bigint[])', [rows.map((r) => r.oldPk)]);
    const busy = new Set(taken.map((t) => t.id));
    const kept = new Set(rows.filter((r) => !busy.has(r.oldPk)).map((r) => r.oldPk));
    // Later inserts draw ids from the sequence; keep it past every id written here (Sentry users hit exactly this),
    // and never move it back below ids already drawn.
    await ctx.client.query(
      `SELECT setval(s.seq, GREATEST(COALESCE(pg_sequence_last_value(s.seq), 0), COALESCE((SELECT max(id) FROM sentry_project), 0), $1::bigint, 1))
       FROM (SELECT pg_get_serial_sequence('sentry_project', 'id')::regclass AS seq) s`,
      [Math.max(0, ...kept)],
    );
    // A row whose drawn id is one that another row keeps draws again; all of them in one statement.
    const redrawn = rows.filter((r) => !kept.has(r.oldPk) && kept.has(Number(r.values.id)));
    const ids = await drawIds(ctx.client, 'sentry_project', redrawn.length);
    redrawn.forEach((r, i) => (r.values.id = ids[i]));
    for (const r of rows) if (kept.has(r.oldPk)) r.values.id = r.oldPk;
  },
};
