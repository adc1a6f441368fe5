import { reservedOrganizationSlugs, slugifyInstance, uniquifyAll } from '@relocate/domain';
import type { Client, Pool } from './pool.ts';

/** Sentry's OrganizationSlugReservationType: PRIMARY=0; TEMPORARY_RENAME_ALIAS=2 claims a slug during relocation. */
export const primaryReservation = 0;
export const temporaryRenameAlias = 2;
// Each retry draws new random suffixes; 10 lost races in a row means something else is wrong.
const maxClaims = 10;

async function reservationOf(db: Pool | Client, organizationId: number, type: number): Promise<string | undefined> {
  const { rows } = await db.query<{ slug: string }>(
    'SELECT slug FROM sentry_organizationslugreservation WHERE organization_id = $1 AND reservation_type = $2',
    [organizationId, type],
  );
  return rows[0]?.slug;
}

/**
 * Of these candidate slugs, those any organization outside `organizationIds` or any reservation already holds
 * (case-insensitive, as Sentry's slug reservation index), lowercased: one statement for a whole round.
 */
async function takenSlugs(db: Pool | Client, candidates: string[], organizationIds: number[]): Promise<Set<string>> {
  const { rows } = await db.query<{ slug: string }>(
    `SELECT lower(c) AS slug FROM unnest($1::text[]) AS c
     WHERE EXISTS (SELECT 1 FROM sentry_organization o WHERE lower(o.slug) = lower(c) AND o.id <> ALL($2::bigint[]))
        OR EXISTS (SELECT 1 FROM sentry_organizationslugreservation r WHERE lower(r.slug) = lower(c))`,
    [candidates, organizationIds],
  );
  return new Set(rows.map((r) => r.slug));
}

export interface SlugRequest { organizationId: number; requested: string }

/**
 * Claims a unique slug for each organization with a TEMPORARY_RENAME_ALIAS reservation, as Sentry's
 * bulk_create_organization_slugs does, for a batch of organizations at once: Sentry's rule (slugify to 30
 * characters, keep it if free, else a random suffix) with each round of candidates checked in one statement, and
 * the reservations inserted in one. The reservation's unique slug settles races between relocations: an
 * organization that lost one draws again. An organization that already holds a reservation keeps its slug.
 */
export async function claimOrganizationSlugs(db: Pool | Client, requests: readonly SlugRequest[]): Promise<Map<number, string>> {
  const claimed = new Map<number, string>();
  const ids = requests.map((r) => r.organizationId);
  for (let attempt = 1; ; attempt++) {
    const { rows: held } = await db.query<{ organization_id: number; slug: string }>(
      `SELECT organization_id, slug FROM sentry_organizationslugreservation
       WHERE organization_id = ANY($1::bigint[]) AND reservation_type IN ($2, $3) ORDER BY reservation_type DESC`,
      [ids, primaryReservation, temporaryRenameAlias],
    );
    // A PRIMARY reservation wins over an alias: it comes last.
    for (const h of held) claimed.set(Number(h.organization_id), h.slug);
    const todo = requests.filter((r) => !claimed.has(r.organizationId));
    if (todo.length === 0) return claimed;
    if (attempt > maxClaims) throw new Error(`could not claim a slug for organization ${todo[0]?.organizationId} after ${maxClaims} attempts`);
    const candidates = await uniquifyAll(todo.map((r) => slugifyInstance(r.requested, 30)), {
      maxLength: 30,
      reserved: reservedOrganizationSlugs,
      taken: (c) => takenSlugs(db, c, ids),
    });
    await db.query(
      `INSERT INTO sentry_organizationslugreservation (slug, organization_id, user_id, reservation_type)
       SELECT slug, organization_id, -1, $3 FROM unnest($1::text[], $2::bigint[]) AS x(slug, organization_id) ON CONFLICT DO NOTHING`,
      [candidates, todo.map((r) => r.organizationId), temporaryRenameAlias],
    );
  }
}

/** One organization's claim (see claimOrganizationSlugs). */
export async function claimOrganizationSlug(db: Pool | Client, organizationId: number, requested: string): Promise<string> {
  return (await claimOrganizationSlugs(db, [{ organizationId, requested }])).get(organizationId) as string;
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
