import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { collisions } from './lookup.ts';
import type { ModelRule, SiteSettings } from './types.ts';

const sha256 = (v: string): string => createHash('sha256').update(v).digest('hex');
const hex32 = (): string => randomUUID().replaceAll('-', '');
const hex64 = (): string => randomBytes(32).toString('hex');
const thirtyDaysFromNow = (): string => new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();

/** Project keys: an empty or colliding public or secret key is replaced by a new one; the existing key is untouched. */
export const projectKey: ModelRule = {
  async resolveCollisions(rows, ctx) {
    const collide = await collisions(ctx, 'sentry_projectkey', { public_key: rows.map((r) => r.values.public_key), secret_key: rows.map((r) => r.values.secret_key) });
    for (const column of ['public_key', 'secret_key'] as const) {
      const collides = collide[column];
      for (const row of rows) {
        const value = row.values[column];
        if (value == null || value === '' || collides(value)) row.values[column] = hex32();
      }
    }
  },
};

/**
 * API tokens: a colliding token (or non-null refresh token) is replaced by a new one, keeping its type prefix;
 * hashes and last characters follow the new secret, and an expiry is reset. Existing rows are never touched.
 */
export const apiToken: ModelRule = {
  async resolveCollisions(rows, ctx) {
    const { token: tokenCollides, hashed_token: hashedCollides, refresh_token: refreshCollides } = await collisions(ctx, 'sentry_apitoken', {
      token: rows.map((r) => r.values.token),
      hashed_token: rows.map((r) => (r.values.token == null ? null : sha256(String(r.values.token)))),
      refresh_token: rows.map((r) => r.values.refresh_token),
    });
    for (const row of rows) {
      const { token, refresh_token: refresh } = row.values;
      const hit = [tokenCollides(token), hashedCollides(token == null ? null : sha256(String(token))), refreshCollides(refresh)].some(Boolean);
      if (!hit) continue;
      const prefix = typeof token === 'string' ? (/^sntry[a-z]_/.exec(token)?.[0] ?? '') : '';
      const newToken = `${prefix}${hex64()}`;
      row.values.token = newToken;
      row.values.hashed_token = sha256(newToken);
      if (refresh != null) {
        row.values.refresh_token = hex64();
        row.values.hashed_refresh_token = sha256(String(row.values.refresh_token));
      }
      const extra = (row.values.relocate_fields ??= {}) as Record<string, unknown>;
      extra.token_last_characters = newToken.slice(-4);
      if (extra.expires_at != null) extra.expires_at = thirtyDaysFromNow();
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
export const orgAuthToken: ModelRule = {
  async resolveCollisions(rows, ctx) {
    const { token_hashed: collides } = await collisions(ctx, 'sentry_orgauthtoken', { token_hashed: rows.map((r) => r.values.token_hashed) });
    for (const row of rows) {
      const hashed = row.values.token_hashed;
      if (!(hashed == null || hashed === '' || collides(hashed))) continue;
      const slug = ctx.pkMap.getSlug('sentry.organization', Number(row.source.organization_id));
      if (!slug) throw new Error(`organization ${String(row.source.organization_id)} of org auth token ${row.oldPk} has no final slug yet`);
      const token = mintOrgAuthToken(ctx.site, slug);
      row.values.token_hashed = sha256(token);
      ((row.values.relocate_fields ??= {}) as Record<string, unknown>).token_last_characters = token.slice(-4);
    }
  },
};

/**
 * API applications: Sentry has no rule (a global import clears the target first); relocate never clears, so a
 * colliding client id gets a new id and secret, like the token rules. The existing application is untouched.
 */
export const apiApplication: ModelRule = {
  async resolveCollisions(rows, ctx) {
    const { client_id: collides } = await collisions(ctx, 'sentry_apiapplication', { client_id: rows.map((r) => r.values.client_id) });
    for (const row of rows) {
      if (!collides(row.values.client_id)) continue;
      row.values.client_id = hex64();
      row.values.client_secret = hex64();
    }
  },
};
