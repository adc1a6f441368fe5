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
  /**
   * Which of these candidates the database already holds, case-insensitively, returned lowercased: one query
   * for a whole round of candidates, whatever the batch's size.
   */
  taken: (candidates: string[]) => Promise<ReadonlySet<string>>;
  reserved?: ReadonlySet<string>;
  /** Values (lowercased) that rows before these hold already; no result equals one of them. */
  claimed?: Set<string>;
  random?: (alphabet: string, length: number) => string;
}

const randomSuffix = (alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/**
 * Sentry's unique_db_instance for a batch of values at once: each keeps its value if it is free and not all
 * digits, else tries random suffixes on Sentry's schedule. Each round checks the candidates of every value still
 * unresolved in one call of `taken`, and no two values of the batch end up equal (case-insensitive). A value whose
 * every try collides keeps its last candidate, and the unique constraint decides, as in Sentry.
 */
export async function uniquifyAll(values: readonly string[], opts: UniquifyOptions): Promise<string[]> {
  const random = opts.random ?? randomSuffix;
  const claimed = opts.claimed ?? new Set<string>();
  const bases = values.map((value) => {
    const base = value.trim();
    return base === '' || opts.reserved?.has(base.toLowerCase()) ? randomUUID().replaceAll('-', '').slice(0, 12) : base;
  });
  const out = [...bases];
  // Round 0 tries the values themselves (an all-digit one never passes); then one round per try of the schedule.
  let pending = bases.map((_, i) => i);
  const tryRound = async (candidates: Map<number, string>, eligible: (i: number) => boolean): Promise<void> => {
    const taken = await opts.taken([...new Set(candidates.values())]);
    const left: number[] = [];
    for (const i of pending) {
      const candidate = candidates.get(i) as string;
      out[i] = candidate;
      const folded = candidate.toLowerCase();
      if (eligible(i) && !taken.has(folded) && !claimed.has(folded)) claimed.add(folded);
      else left.push(i);
    }
    pending = left;
  };
  await tryRound(new Map(pending.map((i) => [i, bases[i] as string])), (i) => !/^\d+$/.test(bases[i] as string));
  for (const [tries, length] of suffixSchedule) {
    for (let t = 0; t < tries && pending.length > 0; t++) {
      const base = (i: number): string => (bases[i] as string).slice(0, opts.maxLength - length - 1);
      await tryRound(new Map(pending.map((i) => [i, `${base(i)}-${random(suffixAlphabet, length)}`])), () => true);
    }
  }
  return out;
}
