import type { SlugDecision, SlugReserved } from '@relocate/codec';
import { type Client, primaryReservation, primaryReservationOf, uniqueOrganizationSlug } from '@relocate/database';

// Each retry draws a new random suffix; 10 lost races in a row means something else is wrong.
const maxAttempts = 10;

/**
 * Reserves the decided slug (the reservation's unique slug arbitrates between relocations racing for it),
 * then makes it the organization's slug. A lost race picks another slug. Idempotent: an organization with a
 * PRIMARY reservation keeps it.
 */
export async function reserveSlug(client: Client, relocationId: string, d: SlugDecision): Promise<SlugReserved> {
  let finalSlug: string | undefined;
  let candidate = d.candidateSlug;
  for (let attempt = 1; ; attempt++) {
    finalSlug = await primaryReservationOf(client, d.organizationId);
    if (finalSlug !== undefined) break;
    const { rowCount } = await client.query(
      `INSERT INTO sentry_organizationslugreservation (slug, organization_id, user_id, reservation_type)
       VALUES ($1, $2, NULL, $3) ON CONFLICT DO NOTHING`,
      [candidate, d.organizationId, primaryReservation],
    );
    if ((rowCount ?? 0) > 0) {
      finalSlug = candidate;
      break;
    }
    if (attempt >= maxAttempts) throw new Error(`could not reserve a slug for organization ${d.organizationId} after ${maxAttempts} attempts`);
    candidate = await uniqueOrganizationSlug(client, d.requestedSlug, d.organizationId);
  }
  await client.query('UPDATE sentry_organization SET slug = $1 WHERE id = $2 AND slug <> $1', [finalSlug, d.organizationId]);
  await client.query(
    `UPDATE relocate.pk_map SET slug = $1 WHERE relocation_id = $2 AND model = 'sentry.organization' AND old_pk = $3`,
    [finalSlug, relocationId, d.oldPk],
  );
  await client.query(
    `INSERT INTO relocate.org_slug (relocation_id, organization_id, requested_slug, final_slug) VALUES ($1, $2, $3, $4)
     ON CONFLICT (relocation_id, organization_id) DO NOTHING`,
    [relocationId, d.organizationId, d.requestedSlug, finalSlug],
  );
  return { organizationId: d.organizationId, requestedSlug: d.requestedSlug, finalSlug };
}
