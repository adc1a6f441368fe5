import { createHash, randomBytes } from 'node:crypto';
import { uniquifyAll } from '@relocate/domain';
import { Claimed, existingIds, reuseByKey } from './lookup.ts';
import type { ModelRule, Row, RuleContext } from './types.ts';

export const randomToken = (chars: number): string => randomBytes(chars).toString('base64url').replace(/[-_]/g, 'x').slice(0, chars);

/** Users: privileges reset outside Config/Global; outside Global the user is unclaimed with a random password. */
export const user: ModelRule = {
  normalize(row, ctx) {
    // Sentry falls back to the email when an export carries no username.
    if (row.values.username == null || row.values.username === '') row.values.username = row.values.email;
    // The username asked for rides in the PrimaryKeyMap's slug, so the summary can name users renamed on a collision.
    row.slug = String(row.values.username ?? '');
    const scope = ctx.options.scope;
    if (scope !== 'CONFIG' && scope !== 'GLOBAL') {
      row.values.is_staff = false;
      row.values.is_superuser = false;
      row.values.is_managed = false;
    }
    // An export without is_unclaimed deserializes to Django's default, false: a global import keeps such a user claimed.
    if (scope !== 'GLOBAL' || row.values.is_unclaimed === true) {
      row.values.is_unclaimed = true;
      // A random, unusable password: the relocated user claims the account by resetting it.
      row.values.password = `pbkdf2_sha256$720000$${randomToken(12)}$${createHash('sha256').update(randomToken(32)).digest('base64')}`;
      row.values.last_password_change = new Date().toISOString();
      row.values.is_password_expired = false;
    }
    return true;
  },
  /**
   * A taken username is merged (merge_users) or gets a suffix, against the table and the batch so far. The
   * suffixes of every colliding row are drawn together: each round of candidates is one lookup.
   */
  async resolveCollisions(rows, ctx) {
    const existing = await existingIds(ctx, 'auth_user', 'username', rows.map((r) => r.values.username));
    const claimed = new Claimed(true);
    const renamed: Row[] = [];
    for (const row of rows) {
      const username = String(row.values.username);
      const taken = existing.get(username);
      if (taken !== undefined && ctx.options.mergeUsers) {
        row.decision = { kind: 'EXISTING', newPk: taken };
        continue;
      }
      const twin = claimed.by(username);
      if (twin && ctx.options.mergeUsers) {
        row.decision = { kind: 'EXISTING', sameAs: twin };
        continue;
      }
      if (taken !== undefined || twin) renamed.push(row);
      else claimed.claim(username, row);
    }
    if (renamed.length === 0) return;
    const names = await uniquifyAll(renamed.map((r) => String(r.values.username)), {
      maxLength: 128,
      claimed: claimed.folded(),
      taken: async (candidates) => new Set((await existingIds(ctx, 'auth_user', 'username', candidates, true)).keys()),
    });
    renamed.forEach((r, i) => (r.values.username = names[i]));
  },
  /** Outside Global every new user is unclaimed: Sentry gives each the LostPasswordHash its owner claims it with. */
  async afterInsert(rows, ctx) {
    if (ctx.options.scope === 'GLOBAL' || rows.length === 0) return;
    await ctx.client.query(
      'INSERT INTO sentry_lostpasswordhash (user_id, hash) SELECT * FROM unnest($1::bigint[], $2::text[])',
      [rows.map((r) => r.values.id), rows.map(() => randomToken(32))],
    );
  },
};

/** Emails are shared: reuse the row for the same address (case-insensitive), in the table or earlier in the batch. */
export const email: ModelRule = {
  async resolveCollisions(rows, ctx) {
    const existing = await existingIds(ctx, 'sentry_email', 'email', rows.map((r) => r.values.email), true);
    const claimed = new Claimed(true);
    for (const row of rows) {
      const address = String(row.values.email ?? '');
      const taken = existing.get(address.toLowerCase());
      const twin = claimed.by(address);
      if (taken !== undefined) row.decision = { kind: 'EXISTING', newPk: taken };
      else if (twin) row.decision = { kind: 'EXISTING', sameAs: twin };
      else claimed.claim(address, row);
    }
  },
};

/** Rows that belong to a user merged into an existing one are dropped: the existing user keeps its own. */
export function droppedForMergedUser(row: Row, ctx: RuleContext, model: string): boolean {
  if (ctx.pkMap.getKind('sentry.user', Number(row.source.user)) !== 'EXISTING') return false;
  ctx.warn({ kind: 'MergedUserData', model, pk: row.oldPk, field: 'user', reason: 'dropped: its user was merged into an existing user' });
  return true;
}

/** UserEmails of a merged user are dropped; outside Global they must be verified again. */
export const userEmail: ModelRule = {
  normalize(row, ctx) {
    if (droppedForMergedUser(row, ctx, 'sentry.useremail')) return false;
    if (ctx.options.scope !== 'GLOBAL') {
      row.values.is_verified = false;
      row.values.validation_hash = randomToken(32);
      row.values.date_hash_added = new Date().toISOString();
    }
    return true;
  },
};

/** UserPermissions: get_or_create by (user, permission); a merged user's incoming permissions are dropped. */
export const userPermission: ModelRule = {
  normalize: (row, ctx) => !droppedForMergedUser(row, ctx, 'sentry.userpermission'),
  resolveCollisions: (rows, ctx) => reuseByKey(rows, ctx, [['user_id', 'bigint'], ['permission', 'text']], (id) => ({ kind: 'EXISTING', newPk: id })),
};
