import { Random } from './random.ts';
import { type ExportShape, eventCount, modelCounts, projectOptionKeys, validateShape } from './shape.ts';
import * as words from './words.ts';

/** One element of a Sentry export: Django's serialized form. */
export interface ExportRecord { model: string; pk: number; fields: Record<string, unknown> }

/** One line of the events file: a Sentry event payload whose project is the export's project pk. */
export interface SentryEvent {
  event_id: string;
  project: number;
  timestamp: string;
  platform: string;
  message: string;
  release: string;
  environment: string;
  level: string;
  tags: Array<[string, string]>;
}

// Independent random streams, so each model of each organization can be generated on its own.
const stream = {
  bases: 0, organizationIdentity: 1, organization: 2, userIdentity: 3, user: 4, email: 5, userEmail: 6, member: 7,
  team: 8, memberTeam: 9, projectIdentity: 10, project: 11, projectKey: 12, projectOption: 13, events: 14, option: 15,
} as const;
const streams = 16;

const epoch = Date.parse('2023-01-01T00:00:00.000Z');
const day = 86_400_000;

/**
 * A deterministic synthetic export: the same shape and seed give the same records and events, byte for byte.
 * Primary keys are `base + index` per model with a seeded base, so every foreign key is computed, never looked
 * up, and memory stays flat whatever the size.
 */
export class SyntheticExport {
  readonly shape: ExportShape;
  readonly seed: number;
  private readonly bases = new Map<string, number>();

  constructor(shape: ExportShape, seed = 1) {
    validateShape(shape);
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.shape = shape;
    this.seed = seed;
    const r = this.random(stream.bases, 0);
    // Source pks that do not start at 1, as in a real installation, so a remapping that forgets a key shows.
    for (const [model] of modelCounts(shape)) this.bases.set(model, r.int(1, 50_000));
  }

  /** The export pk of the index-th row of a model. */
  pk(model: string, index: number): number {
    const base = this.bases.get(model);
    if (base === undefined) throw new Error(`the synthetic export has no model ${model}`);
    return base + index;
  }

  /** Every record, each model's rows after those of the models it refers to. */
  *records(): Generator<ExportRecord> {
    const s = this.shape;
    for (let i = 0; i < s.options; i++) yield this.option(i);
    for (const build of [this.user, this.email, this.userEmail] as const) {
      for (let g = 0; g < s.organizations * s.usersPerOrganization; g++) yield build.call(this, g);
    }
    for (let o = 0; o < s.organizations; o++) yield this.organization(o);
    for (let g = 0; g < s.organizations * s.usersPerOrganization; g++) yield this.member(g);
    for (let t = 0; t < s.organizations * s.teamsPerOrganization; t++) yield this.team(t);
    for (let g = 0; g < s.organizations * s.usersPerOrganization; g++) {
      for (let j = 0; j < s.teamsPerMember; j++) yield this.memberTeam(g, j);
    }
    for (let p = 0; p < s.organizations * s.projectsPerOrganization; p++) yield this.project(p);
    for (let p = 0; p < s.organizations * s.projectsPerOrganization; p++) yield this.projectKey(p);
    for (let p = 0; p < s.organizations * s.projectsPerOrganization; p++) {
      for (let k = 0; k < s.optionsPerProject; k++) yield this.projectOption(p, k);
    }
  }

  /** Every event, organization by organization, spread over each organization's projects. */
  *events(): Generator<SentryEvent> {
    const s = this.shape;
    for (let o = 0; o < s.organizations; o++) {
      const r = this.random(stream.events, o);
      for (let e = 0; e < s.eventsPerOrganization; e++) {
        const p = o * s.projectsPerOrganization + (e % s.projectsPerOrganization);
        const project = this.projectIdentity(p);
        const n = o * s.eventsPerOrganization + e;
        const level = r.chance(0.8) ? 'error' : 'warning';
        yield {
          // The event's ordinal in the first 12 hex digits makes every id unique; the rest is random.
          event_id: n.toString(16).padStart(12, '0') + r.hex(20),
          project: this.pk('sentry.project', p),
          timestamp: new Date(epoch + 180 * day + r.int(0, 30 * day)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          platform: project.platform,
          message: `${r.pick(words.errorMessages)} (#${r.int(1, 500)})`,
          release: `${project.slug}@${r.int(1, 3)}.${r.int(0, 2)}.0`,
          environment: r.pick(words.environments),
          level,
          tags: [['server', `web-${r.int(1, 8)}`], ['level', level]],
        };
      }
    }
  }

  get eventCount(): number {
    return eventCount(this.shape);
  }

  private random(kind: number, index: number): Random {
    return new Random(this.seed, index * streams + kind);
  }

  private timestamp(r: Random, fromDay = 0, days = 180): string {
    return new Date(epoch + fromDay * day + r.int(0, days * day)).toISOString();
  }

  organizationIdentity(o: number): { slug: string; name: string } {
    const r = this.random(stream.organizationIdentity, o);
    const adjective = r.pick(words.adjectives);
    const noun = r.pick(words.nouns);
    // The index keeps slugs unique; at most 30 characters, Sentry's limit for a new organization's slug.
    return { slug: `${adjective}-${noun}-${o}`, name: `${capitalize(adjective)} ${capitalize(noun)} ${o}` };
  }

  userIdentity(g: number): { email: string; name: string } {
    const r = this.random(stream.userIdentity, g);
    const first = r.pick(words.firstNames);
    const last = r.pick(words.lastNames);
    const org = this.organizationIdentity(Math.floor(g / this.shape.usersPerOrganization));
    // The global user index keeps usernames and emails unique across the whole export.
    return { email: `${first}.${last}.${g}@${org.slug}.example`, name: `${capitalize(first)} ${capitalize(last)}` };
  }

  projectIdentity(p: number): { slug: string; name: string; platform: string } {
    const r = this.random(stream.projectIdentity, p);
    const word = r.pick(words.projectWords);
    const local = p % this.shape.projectsPerOrganization;
    return { slug: `${word}-${local}`, name: `${capitalize(word)} ${local}`, platform: r.pick(words.platforms) };
  }

  private option(i: number): ExportRecord {
    const r = this.random(stream.option, i);
    return {
      model: 'sentry.option',
      pk: this.pk('sentry.option', i),
      fields: { key: `bench:option-${i}`, last_updated: this.timestamp(r), last_updated_by: 'unknown', value: r.int(0, 1_000_000) },
    };
  }

  private user(g: number): ExportRecord {
    const r = this.random(stream.user, g);
    const id = this.userIdentity(g);
    const joined = epoch + r.int(0, 90 * day);
    return {
      model: 'sentry.user',
      pk: this.pk('sentry.user', g),
      fields: {
        password: `pbkdf2_sha256$150000$${r.alphanumeric(12)}$${r.alphanumeric(43)}=`,
        last_login: r.chance(0.3) ? null : new Date(joined + r.int(0, 60 * day)).toISOString(),
        username: id.email,
        name: id.name,
        email: id.email,
        is_staff: false,
        is_active: true,
        is_superuser: false,
        is_managed: false,
        is_sentry_app: null,
        is_password_expired: false,
        is_unclaimed: false,
        last_password_change: new Date(joined + 2_000).toISOString(),
        flags: '0',
        session_nonce: null,
        date_joined: new Date(joined).toISOString(),
        last_active: new Date(joined + r.int(0, 90 * day)).toISOString(),
        avatar_type: 0,
        avatar_url: null,
      },
    };
  }

  private email(g: number): ExportRecord {
    const r = this.random(stream.email, g);
    return { model: 'sentry.email', pk: this.pk('sentry.email', g), fields: { email: this.userIdentity(g).email, date_added: this.timestamp(r, 0, 90) } };
  }

  private userEmail(g: number): ExportRecord {
    const r = this.random(stream.userEmail, g);
    return {
      model: 'sentry.useremail',
      pk: this.pk('sentry.useremail', g),
      fields: {
        user: this.pk('sentry.user', g),
        email: this.userIdentity(g).email,
        validation_hash: r.alphanumeric(32),
        date_hash_added: this.timestamp(r, 0, 90),
        is_verified: r.chance(0.7),
      },
    };
  }

  private organization(o: number): ExportRecord {
    const r = this.random(stream.organization, o);
    const id = this.organizationIdentity(o);
    return {
      model: 'sentry.organization',
      pk: this.pk('sentry.organization', o),
      fields: { name: id.name, slug: id.slug, status: 0, date_added: this.timestamp(r, 0, 30), default_role: 'member', is_test: false, flags: '1' },
    };
  }

  private member(g: number): ExportRecord {
    const r = this.random(stream.member, g);
    const o = Math.floor(g / this.shape.usersPerOrganization);
    const owner = g % this.shape.usersPerOrganization === 0;
    return {
      model: 'sentry.organizationmember',
      pk: this.pk('sentry.organizationmember', g),
      fields: {
        organization: this.pk('sentry.organization', o),
        user_id: this.pk('sentry.user', g),
        email: null,
        role: owner ? 'owner' : r.pick(words.memberRoles),
        flags: '0',
        token: null,
        date_added: this.timestamp(r, 30, 150),
        token_expires_at: null,
        has_global_access: true,
        // Everyone but the owner was invited by the owner: the first user of the organization.
        inviter_id: owner ? null : this.pk('sentry.user', o * this.shape.usersPerOrganization),
        invite_status: 0,
        type: 50,
        user_is_active: true,
        user_email: this.userIdentity(g).email,
      },
    };
  }

  private team(t: number): ExportRecord {
    const r = this.random(stream.team, t);
    const o = Math.floor(t / this.shape.teamsPerOrganization);
    const local = t % this.shape.teamsPerOrganization;
    const word = r.pick(words.teamWords);
    return {
      model: 'sentry.team',
      pk: this.pk('sentry.team', t),
      fields: { organization: this.pk('sentry.organization', o), slug: `${word}-${local}`, name: `${capitalize(word)} ${local}`, status: 0, idp_provisioned: false, date_added: this.timestamp(r, 30, 150) },
    };
  }

  private memberTeam(g: number, j: number): ExportRecord {
    const s = this.shape;
    const o = Math.floor(g / s.usersPerOrganization);
    // Member u of an organization is on teams u, u+1, ... (mod the team count): distinct, so (member, team) is unique.
    const team = o * s.teamsPerOrganization + ((g % s.usersPerOrganization) + j) % s.teamsPerOrganization;
    return {
      model: 'sentry.organizationmemberteam',
      pk: this.pk('sentry.organizationmemberteam', g * s.teamsPerMember + j),
      fields: { team: this.pk('sentry.team', team), organizationmember: this.pk('sentry.organizationmember', g), is_active: true, role: j === 0 && g % s.usersPerOrganization === 0 ? 'admin' : null },
    };
  }

  private project(p: number): ExportRecord {
    const r = this.random(stream.project, p);
    const id = this.projectIdentity(p);
    return {
      model: 'sentry.project',
      pk: this.pk('sentry.project', p),
      fields: {
        slug: id.slug,
        name: id.name,
        forced_color: null,
        organization: this.pk('sentry.organization', Math.floor(p / this.shape.projectsPerOrganization)),
        public: false,
        date_added: this.timestamp(r, 30, 150),
        status: 0,
        first_event: null,
        flags: '10',
        platform: id.platform,
      },
    };
  }

  private projectKey(p: number): ExportRecord {
    const r = this.random(stream.projectKey, p);
    // The project's index in 8 hex digits makes each key unique; the other 24 are random.
    const index = p.toString(16).padStart(8, '0');
    return {
      model: 'sentry.projectkey',
      pk: this.pk('sentry.projectkey', p),
      fields: {
        project: this.pk('sentry.project', p),
        label: 'Default',
        public_key: index + r.hex(24),
        secret_key: r.hex(24) + index,
        roles: '1',
        status: 0,
        date_added: this.timestamp(r, 30, 150),
        rate_limit_count: null,
        rate_limit_window: null,
        data: { dynamicSdkLoaderOptions: { hasPerformance: r.chance(0.5), hasReplay: r.chance(0.5) } },
      },
    };
  }

  private projectOption(p: number, k: number): ExportRecord {
    const r = this.random(stream.projectOption, p * projectOptionKeys.length + k);
    const key = projectOptionKeys[k] as string;
    const values: Record<string, () => unknown> = {
      'sentry:option-epoch': () => r.int(1, 13),
      'sentry:resolve_age': () => r.pick([0, 24, 168, 720]),
      'sentry:scrub_data': () => r.chance(0.9),
      'sentry:scrub_defaults': () => r.chance(0.9),
      'sentry:sensitive_fields': () => ['card_number', 'ssn'].slice(0, r.int(0, 2)),
      'sentry:safe_fields': () => [],
      'sentry:token': () => r.hex(32),
      'sentry:grouping_config': () => 'newstyle:2023-01-11',
    };
    return {
      model: 'sentry.projectoption',
      pk: this.pk('sentry.projectoption', p * this.shape.optionsPerProject + k),
      fields: { project: this.pk('sentry.project', p), key, value: values[key]?.() ?? null },
    };
  }
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
