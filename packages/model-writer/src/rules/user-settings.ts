import { isIP } from 'node:net';
import { BadInputError } from '@relocate/domain';
import { droppedForMergedUser } from './users.ts';
import type { ModelRule, Row } from './types.ts';

const invalid = (row: Row, model: string, field: string, reason: string): BadInputError =>
  new BadInputError({ kind: 'ValidationError', model, pk: row.oldPk, field, reason });

/**
 * UserIPs (Global scope only): one row per (user, ip), reused when the user already has it; a merged user keeps
 * its own. Sentry recomputes the geo columns from its GeoIP database on save; we have none, and stale geo data
 * is worse than none, so they start empty.
 */
export const userIp: ModelRule = {
  normalize(row, ctx) {
    if (droppedForMergedUser(row, ctx, 'sentry.userip')) return false;
    const ip = row.values.ip_address;
    if (typeof ip !== 'string' || isIP(ip) === 0) throw invalid(row, 'sentry.userip', 'ip_address', `${JSON.stringify(ip)} is not an IP address`);
    row.values.country_code = null;
    row.values.region_code = null;
    return true;
  },
  async resolveCollisions(rows, ctx) {
    if (rows.length === 0) return;
    const { rows: found } = await ctx.client.query<{ id: number; user_id: number; ip_address: string }>(
      `SELECT id, user_id, ip_address FROM sentry_userip
       WHERE (user_id, ip_address) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))`,
      [rows.map((r) => r.values.user_id), rows.map((r) => r.values.ip_address)],
    );
    const pairKey = (user: unknown, ip: unknown): string => `${String(user)} ${String(ip)}`;
    const existing = new Map(found.map((f) => [pairKey(f.user_id, f.ip_address), f.id]));
    const claimed = new Map<string, Row>();
    for (const row of rows) {
      const key = pairKey(row.values.user_id, row.values.ip_address);
      const id = existing.get(key);
      const twin = claimed.get(key);
      if (id !== undefined) row.decision = { kind: 'EXISTING', newPk: id };
      else if (twin) row.decision = { kind: 'EXISTING', sameAs: twin };
      else claimed.set(key, row);
    }
  },
};

/** A timezone option must name a real timezone; Sentry's serializer refuses anything else. */
export const userOption: ModelRule = {
  normalize(row) {
    if (row.values.key !== 'timezone') return true;
    const zone = decodeOptionValue(row.values.value);
    if (typeof zone !== 'string' || !isTimeZone(zone)) throw invalid(row, 'sentry.useroption', 'value', `timezone ${JSON.stringify(zone)} is not a known timezone`);
    return true;
  },
};

/** Option values are exported JSON-encoded (Sentry's PickledObjectField); older exports carry the bare string. */
function decodeOptionValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
