import { reservedOrganizationSlugs, slugifyInstance, uniquify } from '@relocate/domain';
import type { Client, Pool } from './pool.ts';

/** Whether any other organization holds the slug, or any reservation claims it (case-insensitive). */
export async function organizationSlugTaken(db: Pool | Client, slug: string, organizationId: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM sentry_organization WHERE lower(slug) = lower($1) AND id <> $2
     UNION ALL
     SELECT 1 FROM sentry_organizationslugreservation WHERE lower(slug) = lower($1) AND organization_id <> $2
     LIMIT 1`,
    [slug, organizationId],
  );
  return (rowCount ?? 0) > 0;
}

/** Sentry's rule for a new organization slug: slugify to 30 characters, then keep it if free or add a random suffix. */
export function uniqueOrganizationSlug(db: Pool | Client, requested: string, organizationId: number): Promise<string> {
  return uniquify(slugifyInstance(requested, 30), {
    maxLength: 30,
    reserved: reservedOrganizationSlugs,
    isTaken: (v) => organizationSlugTaken(db, v, organizationId),
  });
}

/** PRIMARY=0 in Sentry's OrganizationSlugReservationType. */
export const primaryReservation = 0;

export async function primaryReservationOf(db: Pool | Client, organizationId: number): Promise<string | undefined> {
  const { rows } = await db.query<{ slug: string }>(
    'SELECT slug FROM sentry_organizationslugreservation WHERE organization_id = $1 AND reservation_type = $2',
    [organizationId, primaryReservation],
  );
  return rows[0]?.slug;
}
