import { SyntheticExport } from './generate.ts';

/** What a target region holds before a relocation arrives: its residents, and how many of the export's names they took. */
export interface RegionShape {
  users: number;
  organizations: number;
  /** Share (0..1) of the export's usernames, emails and organization slugs that residents already hold. */
  collide: number;
}

/** Resident rows per earlier relocation, so the PrimaryKeyMap and the import chunks hold many relocations. */
const perEarlierRelocation = 1_000;

interface Queryable { query(text: string, params?: unknown[]): Promise<unknown> }

/** "100%", "50%" or "0.5" → 0.5. */
export function parseShare(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const share = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`--collide takes a share such as 100%, 25% or 0.5, got "${text}"`);
  return share;
}

/** The export's names that the region's residents hold: the first `collide` share of its users and of its organizations. */
export function collidingNames(exported: SyntheticExport, collide: number): { usernames: string[]; slugs: string[] } {
  const users = exported.shape.organizations * exported.shape.usersPerOrganization;
  const usernames = Array.from({ length: Math.round(users * collide) }, (_, g) => exported.userIdentity(g).email);
  const slugs = Array.from({ length: Math.round(exported.shape.organizations * collide) }, (_, o) => exported.organizationIdentity(o).slug);
  return { usernames, slugs };
}

/**
 * Fills an empty target with a populated region, set-based (generate_series, one statement per table, no row at a
 * time): resident users with their emails, organizations each with its PRIMARY slug reservation, and the
 * PrimaryKeyMap, import chunks and findings of the earlier relocations that brought them. The residents hold
 * `collide` of the export's usernames (which are its emails) and organization slugs, as Sentry writes them.
 * The database is vacuumed, analyzed and checkpointed afterwards.
 */
export async function fillRegion(db: Queryable, exported: SyntheticExport, region: RegionShape): Promise<void> {
  const { usernames, slugs } = collidingNames(exported, region.collide);
  if (usernames.length > region.users || slugs.length > region.organizations) {
    throw new RangeError(`a region of ${region.users} users and ${region.organizations} organizations cannot hold ${usernames.length} usernames and ${slugs.length} slugs of the export`);
  }
  await db.query(
    `INSERT INTO auth_user (username, email, name, password, date_joined)
     SELECT u, u, 'Resident', '!', now() FROM (
       SELECT unnest($1::text[]) UNION ALL SELECT 'resident-' || g || '@region.example' FROM generate_series(1, $2::int) AS g) AS t(u)`,
    [usernames, region.users - usernames.length],
  );
  await db.query(`INSERT INTO sentry_email (email, date_added) SELECT email, date_joined FROM auth_user`);
  await db.query(
    `INSERT INTO sentry_organization (name, slug, status)
     SELECT s, s, 0 FROM (SELECT unnest($1::text[]) UNION ALL SELECT 'resident-org-' || g FROM generate_series(1, $2::int) AS g) AS t(s)`,
    [slugs, region.organizations - slugs.length],
  );
  await db.query(`INSERT INTO sentry_organizationslugreservation (slug, organization_id, user_id, reservation_type) SELECT slug, id, NULL, 0 FROM sentry_organization`);
  const earlier = Math.ceil(region.users / perEarlierRelocation);
  await db.query(
    `INSERT INTO relocate.relocation (id, status, options, completed_at) SELECT 'region-earlier-' || k, 'success', '{}', now() FROM generate_series(1, $1::int) AS k`,
    [earlier],
  );
  await db.query(
    `INSERT INTO relocate.pk_map (relocation_id, model, old_pk, new_pk, kind)
     SELECT 'region-earlier-' || (1 + (id - 1) / $1), 'sentry.user', id, id, 'INSERTED' FROM auth_user`,
    [perEarlierRelocation],
  );
  // One import chunk and one finding per resident, as if each had come in a batch of its own.
  await db.query(
    `INSERT INTO relocate.import_chunk (relocation_id, model, min_ordinal, max_ordinal, min_source_pk, max_source_pk, min_inserted_pk, max_inserted_pk)
     SELECT 'region-earlier-' || (1 + (id - 1) / $1), 'sentry.user', id, id, id, id, id, id FROM auth_user`,
    [perEarlierRelocation],
  );
  await db.query(
    `INSERT INTO relocate.finding (relocation_id, stage, severity, kind, model, pk, field, reason, fingerprint)
     SELECT 'region-earlier-' || (1 + (id - 1) / $1), 'writer', 'warning', 'UnknownField', 'sentry.user', id, 'nickname', 'ignored', 'resident-' || id
     FROM auth_user`,
    [perEarlierRelocation],
  );
  // A region that grew over time has been vacuumed and checkpointed; without it, autovacuum and the checkpoint of
  // the fill's writes would run during the relocation that follows and be charged to it.
  await db.query('VACUUM ANALYZE');
  await db.query('CHECKPOINT');
}
