import { randomInt, randomUUID } from 'node:crypto';

/** Sentry's suffix alphabet; upstream lacks an "8", and so do we, so suffixes look alike. */
const suffixAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456790';
/** 1 try with 2 random characters, 5 with 3, 20 with 5, 1 with 12: 27 in all, as Sentry. */
const suffixSchedule: ReadonlyArray<readonly [tries: number, length: number]> = [[1, 2], [5, 3], [20, 5], [1, 12]];

/** Slugs Sentry keeps for its own routes (a subset of RESERVED_ORGANIZATION_SLUGS). */
export const reservedOrganizationSlugs: ReadonlySet<string> = new Set([
  'admin', 'manage', 'login', 'account', 'register', 'api', 'accept', 'organizations', 'teams', 'projects', 'help',
  'docs', 'logout', '404', '500', '_static', 'out', 'debug', 'remote', 'get-cli', 'blog', 'welcome', 'features',
  'customers', 'integrations', 'signup', 'pricing', 'subscribe', 'enterprise', 'about', 'jobs', 'thanks', 'guide',
  'privacy', 'security', 'terms', 'from', 'sponsorship', 'for', 'at', 'platforms', 'branding', 'vs', 'answers',
  '_admin', 'support', 'contact', 'onboarding', 'ext', 'extension', 'extensions', 'plugins', 'themonitor', 'settings',
  'legal', 'avatar', 'organization-avatar', 'project-avatar', 'team-avatar', 'careers', '_experiment', 'sentry-apps',
  'resources', 'integration-platform', 'trust', 'legal', 'community', 'referrals', 'demo', 'sentry',
]);

/** Django's slugify: ASCII-fold, lowercase, drop what is not a word character, space or dash, collapse runs to "-". */
export function slugify(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[^\x00-\x7f]/g, '')
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .replace(/[-\s]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

/** Sentry's slugify_instance: slugify, truncate to maxLength, strip dashes. */
export function slugifyInstance(label: string, maxLength = 30): string {
  return slugify(label).slice(0, maxLength).replace(/^-+|-+$/g, '');
}

/** The organization save() normalization applied before uniquifying. */
export function organizationSlugTarget(slug: string): string {
  return slug.toLowerCase().replaceAll('_', '-').replace(/^-+|-+$/g, '');
}

export interface UniquifyOptions {
  maxLength: number;
  /** Case-insensitive check against every row that could hold the value. */
  isTaken: (value: string) => Promise<boolean>;
  reserved?: ReadonlySet<string>;
  random?: (alphabet: string, length: number) => string;
}

const randomSuffix = (alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/**
 * Sentry's unique_db_instance: keep the value if it is free and not all digits, else try random suffixes
 * on a schedule; if every try collides the last one is returned and the unique constraint decides.
 */
export async function uniquify(value: string, opts: UniquifyOptions): Promise<string> {
  const random = opts.random ?? randomSuffix;
  let base = value.trim();
  if (opts.reserved?.has(base.toLowerCase())) base = '';
  if (base === '') base = randomUUID().replaceAll('-', '').slice(0, 12);
  if (!/^\d+$/.test(base) && !(await opts.isTaken(base))) return base;
  let candidate = base;
  for (const [tries, length] of suffixSchedule) {
    for (let i = 0; i < tries; i++) {
      candidate = `${base.slice(0, opts.maxLength - length - 1)}-${random(suffixAlphabet, length)}`;
      if (!(await opts.isTaken(candidate))) return candidate;
    }
  }
  return candidate;
}
