import type { SlugDecision, SlugReserved } from '@relocate/codec';
import { type Client, makeSlugPrimary } from '@relocate/database';

/**
 * Makes the claimed slug final: the alias reservation becomes the organization's PRIMARY one and the organization
 * takes the slug (the rest of Sentry's bulk_create_organization_slugs). The PrimaryKeyMap follows, so org auth
 * tokens written later embed the final slug. A replay changes nothing.
 */
export async function reserveSlug(client: Client, relocationId: string, d: SlugDecision): Promise<SlugReserved> {
  const finalSlug = await makeSlugPrimary(client, d.organizationId, d.requestedSlug);
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
