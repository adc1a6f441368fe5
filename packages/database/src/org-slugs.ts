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

/** Sentry's OrganizationSlugReservationType: PRIMARY=0; TEMPORARY_RENAME_ALIAS=2 claims a slug during relocation. */
export const primaryReservation = 0;
export const temporaryRenameAlias = 2;
// Each retry draws a new random suffix; 10 lost races in a row means something else is wrong.
const maxClaims = 10;

async function reservationOf(db: Pool | Client, organizationId: number, type: number): Promise<string | undefined> {
  const { rows } = await db.query<{ slug: string }>(
    'SELECT slug FROM sentry_organizationslugreservation WHERE organization_id = $1 AND reservation_type = $2',
    [organizationId, type],
  );
  return rows[0]?.slug;
}

/**
 * Claims a unique slug for an organization with a TEMPORARY_RENAME_ALIAS reservation, as Sentry's
 * bulk_create_organization_slugs does: the reservation's unique slug settles races between relocations, and a
 * lost race draws another suffix. An organization that already holds a reservation keeps its slug.
 */
export async function claimOrganizationSlug(db: Pool | Client, organizationId: number, requested: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const held = (await reservationOf(db, organizationId, primaryReservation)) ?? (await reservationOf(db, organizationId, temporaryRenameAlias));
    if (held !== undefined) return held;
    const candidate = await uniqueOrganizationSlug(db, requested, organizationId);
    const { rowCount } = await db.query(
      `INSERT INTO sentry_organizationslugreservation (slug, organization_id, user_id, reservation_type) VALUES ($1, $2, -1, $3) ON CONFLICT DO NOTHING`,
      [candidate, organizationId, temporaryRenameAlias],
    );
    if ((rowCount ?? 0) > 0) return candidate;
    if (attempt >= maxClaims) throw new Error(`could not claim a slug for organization ${organizationId} after ${maxClaims} attempts`);
  }
}

export function primaryReservationOf(db: Pool | Client, organizationId: number): Promise<string | undefined> {
  return reservationOf(db, organizationId, primaryReservation);
}

/**
 * Swaps an organization's claimed alias for its PRIMARY reservation and makes the slug the organization's, in the
 * caller's transaction. Idempotent: an organization with a PRIMARY reservation keeps it.
 */
export async function makeSlugPrimary(client: Client, organizationId: number, requested: string): Promise<string> {
  const primary = await primaryReservationOf(client, organizationId);
  if (primary !== undefined) return primary;
  const slug = await claimOrganizationSlug(client, organizationId, requested);
  await client.query('DELETE FROM sentry_organizationslugreservation WHERE organization_id = $1 AND reservation_type = $2', [organizationId, temporaryRenameAlias]);
  await client.query(
    `INSERT INTO sentry_organizationslugreservation (slug, organization_id, user_id, reservation_type) VALUES ($1, $2, NULL, $3)`,
    [slug, organizationId, primaryReservation],
  );
  return slug;
}
