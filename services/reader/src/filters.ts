import type { Finding } from '@relocate/domain';
import type { ExportRecord } from './batcher.ts';

/**
 * Sentry's import filters: by organization slug or by username. Only the roots are decided here; everything
 * that depends on a filtered-out row is dropped by the writer when its foreign key finds no mapped parent, as
 * in Sentry. Deciding needs the whole export (members come after users, emails before them), so the reader
 * makes a first pass to observe and a second to admit.
 */
export class ExportFilter {
  private readonly orgSlugs: ReadonlySet<string> | null;
  private readonly usernames: ReadonlySet<string> | null;
  private readonly allowedOrgs = new Set<number>();
  private readonly memberships: Array<[org: number, user: number]> = [];
  private readonly users = new Map<number, { username: string; email: string }>();
  private allowedUsers = new Set<number>();
  private allowedEmails = new Set<string>();

  constructor(orgSlugs: string[] | null, usernames: string[] | null) {
    this.orgSlugs = orgSlugs ? new Set(orgSlugs) : null;
    this.usernames = usernames ? new Set(usernames) : null;
  }

  static of(options: { filterOrgSlugs: string[] | null; filterUsernames: string[] | null }): ExportFilter | undefined {
    return options.filterOrgSlugs || options.filterUsernames ? new ExportFilter(options.filterOrgSlugs, options.filterUsernames) : undefined;
  }

  /** First pass: remember what decides admission. */
  observe(r: ExportRecord): void {
    const f = r.fields;
    if (r.model === 'sentry.organization' && this.orgSlugs?.has(String(f.slug))) this.allowedOrgs.add(r.pk);
    else if (r.model === 'sentry.organizationmember' && typeof f.organization === 'number' && typeof f.user_id === 'number') this.memberships.push([f.organization, f.user_id]);
    else if (r.model === 'sentry.user') this.users.set(r.pk, { username: String(f.username ?? ''), email: String(f.email ?? '').toLowerCase() });
  }

  /** Ends the first pass: an org filter admits its members' users; either filter admits its users' emails. */
  settle(): void {
    const users = new Set<number>();
    if (this.orgSlugs) for (const [org, user] of this.memberships) if (this.allowedOrgs.has(org)) users.add(user);
    if (this.usernames) for (const [pk, u] of this.users) if (this.usernames.has(u.username)) users.add(pk);
    this.allowedUsers = users;
    this.allowedEmails = new Set([...users].map((pk) => this.users.get(pk)?.email).filter((e): e is string => e !== undefined));
  }

  /** Second pass: why a root record is filtered out, or null to admit it. */
  rejection(r: ExportRecord): string | null {
    switch (r.model) {
      case 'sentry.organization':
        return this.orgSlugs && !this.allowedOrgs.has(r.pk) ? `filtered out: slug ${JSON.stringify(r.fields.slug)} is not among the organization slugs asked for` : null;
      case 'sentry.user':
        return this.allowedUsers.has(r.pk) ? null : this.orgSlugs
          ? 'filtered out: not a member of an organization asked for'
          : `filtered out: username ${JSON.stringify(r.fields.username)} is not among the usernames asked for`;
      case 'sentry.email':
        return this.allowedEmails.has(String(r.fields.email ?? '').toLowerCase()) ? null : 'filtered out: not the email of an imported user';
      default:
        return null;
    }
  }
}

/** The warning a record kept out by a filter is reported with. */
export function filteredOutFindings(relocationId: string, records: ReadonlyArray<{ model: string; pk: number; reason: string }>): Finding[] {
  return records.map((r) => ({ relocationId, stage: 'reader', severity: 'warning', kind: 'FilteredOut', model: r.model, pk: r.pk, field: null, reason: r.reason }));
}
