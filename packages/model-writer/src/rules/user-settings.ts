import { isIP } from 'node:net';
import { BadInputError } from '@relocate/domain';
import { reuseByKey } from './lookup.ts';
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
  resolveCollisions: (rows, ctx) => reuseByKey(rows, ctx, [['user_id', 'bigint'], ['ip_address', 'text']], (id) => ({ kind: 'EXISTING', newPk: id })),
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
