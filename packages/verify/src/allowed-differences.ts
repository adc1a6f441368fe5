import { createHash } from 'node:crypto';
import type { ImportScope } from '@relocate/codec';
import { organizationSlugTarget, reservedOrganizationSlugs } from '@relocate/domain';

/** One field of one written row, beside the export's value for it and what verify knows of the relocation. */
export interface FieldCheck {
  model: string;
  field: string;
  /** The export's value. */
  expected: unknown;
  /** The database's value, as PostgreSQL's to_jsonb writes it. */
  actual: unknown;
  /** The column's type (information_schema); null for a field kept in the catch-all JSON column; undefined when stored nowhere. */
  columnType: string | null | undefined;
  /** Every field of the export's record. */
  record: Record<string, unknown>;
  scope: ImportScope;
  /** The relocation completed: its organizations are visible again. */
  completed: boolean;
  /** For a foreign key: the target model and the new pk the PrimaryKeyMap gives the exported pk (undefined: unmapped). */
  foreignKey?: { model: string; mapped: number | undefined };
  /** For an organization: its slug as finally reserved, and the status it had before it was hidden. */
  organization?: { finalSlug: string | undefined; hiddenStatus: number | undefined };
  /** A finding names this record's field (a deleted field, a field with no column). */
  namedByFinding: boolean;
  /** For a field in `regenerable`: the export's value that forces a new one is empty or held by another row of the table. */
  collided?: boolean;
}

/**
 * A documented way a written value may differ from the export's, as one of Sentry's comparators
 * (src/sentry/backup/comparators.py) allows one. `expect` gives the value the field must hold instead of the
 * export's (a remapped foreign key); `accepts` says whether this actual value is such a difference.
 */
export interface AllowedDifference {
  name: string;
  /** Why the import changes the value, and what Sentry does. */
  why: string;
  applies(c: FieldCheck): boolean;
  expect?(c: FieldCheck): unknown;
  accepts?(c: FieldCheck): boolean;
}

const fieldsOf = (entries: Record<string, string[]>): ((c: FieldCheck) => boolean) => (c) => entries[c.model]?.includes(c.field) ?? false;
const isString = (v: unknown): v is string => typeof v === 'string';
/** An ISO 8601 datetime (a bare number is no datetime, whatever Date.parse makes of it). */
const isInstant = (v: unknown): boolean => isString(v) && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) && !Number.isNaN(Date.parse(v));
/** Sentry's random suffix: a dash and letters or digits (its alphabet has no 8), after a possibly shortened base. */
const suffixed = (base: string, actual: unknown, maxLength: number): boolean =>
  isString(actual) && [2, 3, 5, 12].some((n) => new RegExp(`^${escape(base.slice(0, maxLength - n - 1))}-[a-z0-79]{${n}}$`).test(actual));
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const privilegedScope = (scope: ImportScope): boolean => scope === 'CONFIG' || scope === 'GLOBAL';

/** Where the export's value, if another row of the table holds it (or it is empty), forces a new value. */
export interface CollisionSource { column: string; value?: (record: Record<string, unknown>) => unknown }
/** A secret the import mints again when it collides: the shape of the new value (null: dropped) and what collides. */
interface Regenerable { shape: RegExp | null; collides: CollisionSource[] }

const own = (column: string): CollisionSource[] => [{ column }];
const sha256 = (v: unknown): string | null => (v == null ? null : createHash('sha256').update(String(v)).digest('hex'));
const hex32 = /^[0-9a-f]{32}$/;
const hex64 = /^[0-9a-f]{64}$/;
/** An API token is minted again when its token, its token's hash or its refresh token is taken; the rest follows. */
const apiTokenSources: CollisionSource[] = [{ column: 'token' }, { column: 'hashed_token', value: (r) => sha256(r.token) }, { column: 'refresh_token' }];
const apiApplicationSources = own('client_id');
const orgAuthTokenSources = own('token_hashed');

/** The import's collision rules (packages/model-writer/src/rules/secrets.ts, monitors.ts, organizations.ts), field by field. */
export const regenerable: Readonly<Record<string, Readonly<Record<string, Regenerable>>>> = {
  'sentry.projectkey': { public_key: { shape: hex32, collides: own('public_key') }, secret_key: { shape: hex32, collides: own('secret_key') } },
  'sentry.apitoken': {
    token: { shape: /^(sntry[a-z]_)?[0-9a-f]{64}$/, collides: apiTokenSources }, hashed_token: { shape: hex64, collides: apiTokenSources },
    refresh_token: { shape: hex64, collides: apiTokenSources }, hashed_refresh_token: { shape: hex64, collides: apiTokenSources },
    token_last_characters: { shape: /^.{4}$/, collides: apiTokenSources }, expires_at: { shape: /^\d{4}-\d\d-\d\dT/, collides: apiTokenSources },
  },
  'sentry.apiapplication': { client_id: { shape: hex64, collides: apiApplicationSources }, client_secret: { shape: hex64, collides: apiApplicationSources } },
  'sentry.orgauthtoken': { token_hashed: { shape: hex64, collides: orgAuthTokenSources }, token_last_characters: { shape: /^.{4}$/, collides: orgAuthTokenSources } },
  'sentry.monitor': { guid: { shape: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, collides: own('guid') } },
  'sentry.organizationmember': { token: { shape: null, collides: own('token') } },
};

/** Every difference between an export and what the import writes that verify allows, and nothing else. */
export const allowedDifferences: readonly AllowedDifference[] = [
  {
    name: 'ForeignKeyRemapped',
    why: "a foreign key holds its target's pk in the target database, read from the relocation's PrimaryKeyMap (Sentry: ForeignKeyComparator)",
    applies: (c) => c.foreignKey !== undefined,
    expect: (c) => c.foreignKey?.mapped,
  },
  {
    name: 'UnimportedInviterCleared',
    why: "a member's inviter who was not imported (filtered out) becomes null rather than dropping the member (Sentry: OrganizationMember.normalize_before_relocation_import)",
    applies: fieldsOf({ 'sentry.organizationmember': ['inviter_id'] }),
    accepts: (c) => c.actual === null && c.foreignKey?.mapped === undefined,
  },
  {
    name: 'UsernameSuffixed',
    why: 'a username already taken (or taken earlier in the export) gets a random suffix; an empty one falls back to the email (Sentry: AutoSuffixComparator, User.write_relocation_import)',
    applies: fieldsOf({ 'sentry.user': ['username'] }),
    accepts: (c) => {
      const base = isString(c.expected) && c.expected !== '' ? c.expected : String(c.record.email ?? '');
      return c.actual === base || suffixed(base, c.actual, 128);
    },
  },
  {
    name: 'OrganizationSlugFinal',
    why: "an organization's slug is the one finally reserved: normalized, suffixed when taken, random when reserved by Sentry (Sentry: AutoSuffixComparator, bulk_create_organization_slugs)",
    applies: fieldsOf({ 'sentry.organization': ['slug'] }),
    accepts: (c) => {
      const final = c.organization?.finalSlug;
      if (final === undefined || c.actual !== final) return false;
      const target = organizationSlugTarget(String(c.expected ?? ''));
      if (reservedOrganizationSlugs.has(target) || target === '') return /^[0-9a-f]{12}(-[a-z0-79]+)?$/.test(final);
      return final === target || suffixed(target, final, 50);
    },
  },
  {
    name: 'OrganizationHidden',
    why: 'an organization stays hidden (status RELOCATION_PENDING_APPROVAL) until its relocation completes, then gets its exported status back (Sentry: hide_organizations)',
    applies: fieldsOf({ 'sentry.organization': ['status'] }),
    accepts: (c) => !c.completed && c.actual === 3 && c.organization?.hiddenStatus === Number(c.expected),
  },
  {
    name: 'PrivilegesReset',
    why: 'outside the config and global scopes a user is neither staff, superuser nor managed (Sentry: User.normalize_before_relocation_import)',
    applies: fieldsOf({ 'sentry.user': ['is_staff', 'is_superuser', 'is_managed'] }),
    accepts: (c) => !privilegedScope(c.scope) && c.actual === false,
  },
  {
    name: 'UserUnclaimed',
    why: 'outside the global scope (or when the export says so) a user is unclaimed with a random unusable password, to be claimed by a reset (Sentry: User.write_relocation_import)',
    applies: fieldsOf({ 'sentry.user': ['is_unclaimed', 'password', 'last_password_change', 'is_password_expired'] }),
    accepts: (c) => {
      if (c.scope === 'GLOBAL' && c.record.is_unclaimed !== true) return false;
      if (c.field === 'is_unclaimed') return c.actual === true;
      if (c.field === 'is_password_expired') return c.actual === false;
      if (c.field === 'password') return isString(c.actual) && c.actual.startsWith('pbkdf2_sha256$') && c.actual !== c.expected;
      return isInstant(c.actual);
    },
  },
  {
    name: 'UserEmailUnverified',
    why: 'outside the global scope an email address must be verified again: not verified, a new hash, hashed now (Sentry: UserEmail.normalize_before_relocation_import)',
    applies: fieldsOf({ 'sentry.useremail': ['is_verified', 'validation_hash', 'date_hash_added'] }),
    accepts: (c) => c.scope !== 'GLOBAL' && (c.field === 'is_verified' ? c.actual === false : c.field === 'validation_hash' ? isString(c.actual) && c.actual.length === 32 : isInstant(c.actual)),
  },
  {
    name: 'SecretRegenerated',
    why: 'a key, token or secret that is empty or that another row of the target already holds is minted again in its own shape, and the other row is untouched (Sentry: SecretHexComparator, HashObfuscatingComparator; ProjectKey, ApiToken, OrgAuthToken write_relocation_import)',
    applies: (c) => regenerable[c.model]?.[c.field]?.shape != null,
    accepts: (c) => c.collided === true && isString(c.actual) && (regenerable[c.model]?.[c.field]?.shape as RegExp).test(c.actual),
  },
  {
    name: 'InviteTokenDropped',
    why: "a member's invite token that another member of the target already holds is dropped from the imported member",
    applies: (c) => regenerable[c.model]?.[c.field]?.shape === null,
    accepts: (c) => c.collided === true && c.actual === null,
  },
  {
    name: 'GeoIpCleared',
    why: "a user IP's country and region are recomputed from a GeoIP database on save in Sentry; relocate has none, so they start empty",
    applies: fieldsOf({ 'sentry.userip': ['country_code', 'region_code'] }),
    accepts: (c) => c.actual === null,
  },
  {
    name: 'TimestampNormalized',
    why: 'a datetime is stored as an instant: the same moment in another notation (exports before 23.7.1 drop ".000" milliseconds; PostgreSQL writes +00:00 for Z) (Sentry: DatetimeEqualityComparator)',
    applies: (c) => c.columnType === 'timestamp with time zone' || (c.columnType === null && isInstant(c.expected)),
    accepts: (c) => isInstant(c.expected) && isInstant(c.actual) && Date.parse(c.expected as string) === Date.parse(c.actual as string),
  },
  {
    name: 'FieldDroppedWithFinding',
    why: "a field Sentry deleted (its import shims) or one with no column is dropped, and a finding names the record and field (Sentry drops both silently)",
    applies: (c) => c.columnType === undefined,
    accepts: (c) => c.expected === null || c.namedByFinding,
  },
];

/**
 * Row-level differences, named here with the field-level ones: an EXISTING row keeps the target's values (the
 * incoming ones are dropped, as Sentry's ImportKind.Existing), so only its existence is checked.
 */
export const existingRowKept: Pick<AllowedDifference, 'name' | 'why'> = {
  name: 'ExistingRowKept',
  why: "a record mapped to a row already in the target (merged user, shared email, kept config without overwrite_configs) keeps that row's values (Sentry: ImportKind.Existing)",
};
