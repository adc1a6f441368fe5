import { randomBytes, randomUUID, createHash } from 'node:crypto';
import type { ImportOptions } from '@relocate/codec';
import type { Client } from '@relocate/database';
import { organizationSlugTarget, type Finding, type PrimaryKeyMap, uniquify } from '@relocate/domain';

/** One export record on its way into a table. `values` are column values after the foreign keys were remapped. */
export interface Row {
  oldPk: number;
  /** The export's fields as read, before any remapping. */
  source: Record<string, unknown>;
  values: Record<string, unknown>;
  /** Insert unless a rule found an existing row to reuse (EXISTING) or to overwrite (OVERWRITE). */
  decision: { kind: 'INSERTED' } | { kind: 'EXISTING'; newPk: number } | { kind: 'OVERWRITE'; newPk: number };
  slug: string | null;
  /** Status to restore when a hidden organization's relocation completes. */
  hiddenStatus?: number;
}

/** The Sentry installation the relocation goes into, where a rule needs it (Sentry's system.url-prefix). */
export interface SiteSettings { urlPrefix: string }

export interface RuleContext {
  client: Client;
  site: SiteSettings;
  relocationId: string;
  options: ImportOptions;
  pkMap: PrimaryKeyMap;
  table: string;
  warn(f: Omit<Finding, 'relocationId' | 'stage' | 'severity'>): void;
}

/**
 * A model's import behaviour where it differs from a plain insert, as in Sentry's normalize_before_relocation_import
 * and write_relocation_import. Each rule is named after the Sentry behaviour it reproduces.
 */
export interface ModelRule {
  /** Foreign keys that become null, instead of dropping the row, when their target was not imported. */
  nullWhenUnmapped?: ReadonlySet<string>;
  /** Adjust a row before writing; return false to drop it (the rule reports why). */
  normalize?(row: Row, ctx: RuleContext): Promise<boolean> | boolean;
  /** Look for a colliding row and decide what to do about it. */
  resolveCollision?(row: Row, ctx: RuleContext): Promise<void>;
  /** Rows about to be inserted, with their new ids in values.id. */
  beforeInsert?(rows: Row[], ctx: RuleContext): Promise<void> | void;
  afterInsert?(rows: Row[], ctx: RuleContext): Promise<void>;
}

const randomToken = (chars: number): string => randomBytes(chars).toString('base64url').replace(/[-_]/g, 'x').slice(0, chars);
const hex = (): string => randomUUID().replaceAll('-', '');

async function exists(ctx: RuleContext, sql: string, params: unknown[]): Promise<number | undefined> {
  const { rows } = await ctx.client.query<{ id: number }>(sql, params);
  return rows[0]?.id;
}

/** Users: privileges reset outside Config/Global; outside Global the user is unclaimed with a random password. */
const user: ModelRule = {
  normalize(row, ctx) {
    // Sentry falls back to the email when an export carries no username.
    if (row.values.username == null || row.values.username === '') row.values.username = row.values.email;
    const scope = ctx.options.scope;
    if (scope !== 'CONFIG' && scope !== 'GLOBAL') {
      row.values.is_staff = false;
      row.values.is_superuser = false;
      row.values.is_managed = false;
    }
    if (scope !== 'GLOBAL' || row.values.is_unclaimed !== false) {
      row.values.is_unclaimed = true;
      // A random, unusable password: the relocated user claims the account by resetting it.
      row.values.password = `pbkdf2_sha256$720000$${randomToken(12)}$${createHash('sha256').update(randomToken(32)).digest('base64')}`;
      row.values.last_password_change = new Date().toISOString();
      row.values.is_password_expired = false;
    }
    return true;
  },
  async resolveCollision(row, ctx) {
    const username = String(row.values.username);
    const existing = await exists(ctx, 'SELECT id FROM auth_user WHERE username = $1', [username]);
    if (existing === undefined) return;
    if (ctx.options.mergeUsers) {
      row.decision = { kind: 'EXISTING', newPk: existing };
      return;
    }
    row.values.username = await uniquify(username, {
      maxLength: 128,
      isTaken: async (v) => (await exists(ctx, 'SELECT id FROM auth_user WHERE lower(username) = lower($1)', [v])) !== undefined,
    });
  },
};

/** Emails are shared: reuse the row for the same address (case-insensitive). */
const email: ModelRule = {
  async resolveCollision(row, ctx) {
    const existing = await exists(ctx, 'SELECT id FROM sentry_email WHERE lower(email) = lower($1)', [row.values.email]);
    if (existing !== undefined) row.decision = { kind: 'EXISTING', newPk: existing };
  },
};

/** Rows that belong to a user merged into an existing one are dropped: the existing user keeps its own. */
function droppedForMergedUser(row: Row, ctx: RuleContext, model: string): boolean {
  if (ctx.pkMap.getKind('sentry.user', Number(row.source.user)) !== 'EXISTING') return false;
  ctx.warn({ kind: 'MergedUserData', model, pk: row.oldPk, field: 'user', reason: 'dropped: its user was merged into an existing user' });
  return true;
}

/** UserEmails of a merged user are dropped; outside Global they must be verified again. */
const userEmail: ModelRule = {
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
const userPermission: ModelRule = {
  normalize: (row, ctx) => !droppedForMergedUser(row, ctx, 'sentry.userpermission'),
  async resolveCollision(row, ctx) {
    const existing = await exists(ctx, 'SELECT id FROM sentry_userpermission WHERE user_id = $1 AND permission = $2', [row.values.user_id, row.values.permission]);
    if (existing !== undefined) row.decision = { kind: 'EXISTING', newPk: existing };
  },
};

/** Organizations are written hidden under a placeholder slug; the slug-resolver and reservation stages give the final one. */
const organization: ModelRule = {
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
/** Sentry's OrganizationStatus.RELOCATION_PENDING_APPROVAL. */
const relocationPendingApproval = 3;

/** Config models (OverwritableConfigMixin): an existing row with the same unique key is kept, or overwritten with overwrite_configs. */
function overwritableConfig(uniqueColumns: string[]): ModelRule {
  return {
    async resolveCollision(row, ctx) {
      if (uniqueColumns.some((c) => row.values[c] == null)) return;
      const where = uniqueColumns.map((c, i) => `"${c}" = $${i + 1}`).join(' AND ');
      const existing = await exists(ctx, `SELECT id FROM ${ctx.table} WHERE ${where}`, uniqueColumns.map((c) => row.values[c]));
      if (existing === undefined) return;
      row.decision = ctx.options.overwriteConfigs ? { kind: 'OVERWRITE', newPk: existing } : { kind: 'EXISTING', newPk: existing };
    },
  };
}

/** Project keys: a colliding public or secret key is replaced by a new one; the existing key is untouched. */
const projectKey: ModelRule = {
  async resolveCollision(row, ctx) {
    for (const column of ['public_key', 'secret_key']) {
      const value = row.values[column];
      const taken = value == null || value === '' || (await exists(ctx, `SELECT id FROM sentry_projectkey WHERE ${column} = $1`, [value])) !== undefined;
      if (taken) row.values[column] = hex();
    }
  },
};

/** Members: an inviter who was not imported becomes null; a colliding invite token is dropped from the imported member. */
const organizationMember: ModelRule = {
  nullWhenUnmapped: new Set(['inviter_id']),
  async resolveCollision(row, ctx) {
    if (row.values.token != null && (await exists(ctx, 'SELECT id FROM sentry_organizationmember WHERE token = $1', [row.values.token])) !== undefined) {
      row.values.token = null;
    }
  },
};

const sha256 = (v: string): string => createHash('sha256').update(v).digest('hex');
const thirtyDaysFromNow = (): string => new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();

/**
 * API tokens: a colliding token (or non-null refresh token) is replaced by a new one, keeping its type prefix;
 * hashes and last characters follow the new secret, and an expiry is reset. Existing rows are never touched.
 */
const apiToken: ModelRule = {
  async resolveCollision(row, ctx) {
    const { token, refresh_token: refresh } = row.values;
    const collides = async (column: string, v: unknown): Promise<boolean> =>
      v != null && (await exists(ctx, `SELECT id FROM sentry_apitoken WHERE ${column} = $1 OR hashed_${column} = $2`, [v, sha256(String(v))])) !== undefined;
    if (!(await collides('token', token)) && !(await collides('refresh_token', refresh))) return;
    const prefix = typeof token === 'string' ? (/^sntry[a-z]_/.exec(token)?.[0] ?? '') : '';
    const newToken = `${prefix}${randomBytes(32).toString('hex')}`;
    row.values.token = newToken;
    row.values.hashed_token = sha256(newToken);
    if (refresh != null) {
      row.values.refresh_token = randomBytes(32).toString('hex');
      row.values.hashed_refresh_token = sha256(String(row.values.refresh_token));
    }
    const extra = (row.values.relocate_fields ??= {}) as Record<string, unknown>;
    extra.token_last_characters = newToken.slice(-4);
    if (extra.expires_at != null) extra.expires_at = thirtyDaysFromNow();
  },
};

/** Projects keep their ids in global scope, so DSNs survive, wherever the target has no row with that id. */
const project: ModelRule = {
  async beforeInsert(rows, ctx) {
    if (ctx.options.scope !== 'GLOBAL') return;
    const { rows: taken } = await ctx.client.query<{ id: number }>('SELECT id FROM sentry_project WHERE id = ANY($1::bigint[])', [rows.map((r) => r.oldPk)]);
    const busy = new Set(taken.map((t) => t.id));
    const kept = new Set(rows.filter((r) => !busy.has(r.oldPk)).map((r) => r.oldPk));
    // Later inserts draw ids from the sequence; keep it past every id written here (Sentry users hit exactly this).
    await ctx.client.query(`SELECT setval(pg_get_serial_sequence('sentry_project', 'id'), GREATEST((SELECT max(id) FROM sentry_project), $1::bigint))`, [Math.max(0, ...kept)]);
    for (const r of rows) {
      if (kept.has(r.oldPk)) r.values.id = r.oldPk;
      else if (kept.has(Number(r.values.id))) {
        const { rows: next } = await ctx.client.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('sentry_project', 'id')) AS id`);
        r.values.id = next[0]?.id;
      }
    }
  },
};

/**
 * Sentry's org auth token format: `sntrys_` + base64(JSON claims naming the organization slug) + `_` + a random
 * secret. Only its sha256 and last characters are stored; the token itself is never kept.
 */
export function mintOrgAuthToken(site: SiteSettings, orgSlug: string, now: Date = new Date()): string {
  const claims = { iat: now.getTime() / 1000, url: site.urlPrefix, region_url: site.urlPrefix, org: orgSlug };
  const unpadded = (b: Buffer): string => b.toString('base64').replace(/=+$/, '');
  return `sntrys_${unpadded(Buffer.from(JSON.stringify(claims)))}_${unpadded(randomBytes(32))}`;
}

/** Org auth tokens: an empty or colliding token is regenerated for the organization's final slug. */
const orgAuthToken: ModelRule = {
  async resolveCollision(row, ctx) {
    const hashed = row.values.token_hashed;
    const collides = hashed == null || hashed === '' || (await exists(ctx, 'SELECT id FROM sentry_orgauthtoken WHERE token_hashed = $1', [hashed])) !== undefined;
    if (!collides) return;
    const slug = ctx.pkMap.getSlug('sentry.organization', Number(row.source.organization_id));
    if (!slug) throw new Error(`organization ${String(row.source.organization_id)} of org auth token ${row.oldPk} has no final slug yet`);
    const token = mintOrgAuthToken(ctx.site, slug);
    row.values.token_hashed = sha256(token);
    ((row.values.relocate_fields ??= {}) as Record<string, unknown>).token_last_characters = token.slice(-4);
  },
};

/**
 * API applications: Sentry has no rule (a global import clears the target first); relocate never clears, so a
 * colliding client id gets a new id and secret, like the token rules. The existing application is untouched.
 */
const apiApplication: ModelRule = {
  async resolveCollision(row, ctx) {
    if ((await exists(ctx, 'SELECT id FROM sentry_apiapplication WHERE client_id = $1', [row.values.client_id])) === undefined) return;
    row.values.client_id = randomBytes(32).toString('hex');
    row.values.client_secret = randomBytes(32).toString('hex');
  },
};

export const modelRules: ReadonlyMap<string, ModelRule> = new Map([
  ['sentry.user', user],
  ['sentry.email', email],
  ['sentry.useremail', userEmail],
  ['sentry.userpermission', userPermission],
  ['sentry.organization', organization],
  ['sentry.option', overwritableConfig(['key'])],
  ['sentry.controloption', overwritableConfig(['key'])],
  ['sentry.relay', overwritableConfig(['relay_id'])],
  ['sentry.relayusage', overwritableConfig(['relay_id', 'version'])],
  ['sentry.userrole', overwritableConfig(['name'])],
  ['sentry.projectkey', projectKey],
  ['sentry.apitoken', apiToken],
  ['sentry.apiapplication', apiApplication],
  ['sentry.orgauthtoken', orgAuthToken],
  ['sentry.project', project],
  ['sentry.organizationmember', organizationMember],
]);

/** Sentry's deleted fields: dropped on read, never reported. */
export const deletedFields: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['sentry.team', new Set(['org_role', 'actor'])],
  ['sentry.rule', new Set(['owner'])],
  ['sentry.alertrule', new Set(['owner'])],
  ['sentry.grouphistory', new Set(['actor'])],
]);
export const deletedModels: ReadonlySet<string> = new Set(['sentry.actor']);

/** Models written only after their organization's slug is final (by the reservation stage), as Sentry defers them. */
export const deferredModels: ReadonlySet<string> = new Set(['sentry.orgauthtoken']);
