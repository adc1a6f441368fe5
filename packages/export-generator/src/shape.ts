/**
 * How big an export is and how its rows spread over the models. Every count is per organization, so the export
 * grows by whole organizations and its foreign keys follow from the counts alone.
 */
export interface ExportShape {
  organizations: number;
  usersPerOrganization: number;
  teamsPerOrganization: number;
  /** Teams each member belongs to (at most teamsPerOrganization). */
  teamsPerMember: number;
  projectsPerOrganization: number;
  optionsPerProject: number;
  eventsPerOrganization: number;
  /** Instance-wide options (Config scope: an organization-scope import skips them). */
  options: number;
}

/**
 * One organization of 100 people, 10 teams and 20 projects is 711 model rows; its 289 events make it 1,000 rows,
 * so `--rows 100k` is exactly 100 such organizations.
 */
export const defaultShape: ExportShape = {
  organizations: 1,
  usersPerOrganization: 100,
  teamsPerOrganization: 10,
  teamsPerMember: 2,
  projectsPerOrganization: 20,
  optionsPerProject: 3,
  eventsPerOrganization: 289,
  options: 0,
};

/** Rows of each model, in the order the export holds them (a model's dependencies come first). */
export function modelCounts(s: ExportShape): Array<[model: string, rows: number]> {
  const o = s.organizations;
  const users = o * s.usersPerOrganization;
  const projects = o * s.projectsPerOrganization;
  return [
    ['sentry.option', s.options],
    ['sentry.user', users],
    ['sentry.email', users],
    ['sentry.useremail', users],
    ['sentry.organization', o],
    ['sentry.organizationmember', users],
    ['sentry.team', o * s.teamsPerOrganization],
    ['sentry.organizationmemberteam', users * s.teamsPerMember],
    ['sentry.project', projects],
    ['sentry.projectkey', projects],
    ['sentry.projectoption', projects * s.optionsPerProject],
  ];
}

export function eventCount(s: ExportShape): number {
  return s.organizations * s.eventsPerOrganization;
}

/** Export records plus events: what the benchmark counts as rows. */
export function totalRows(s: ExportShape): number {
  return modelCounts(s).reduce((n, [, rows]) => n + rows, 0) + eventCount(s);
}

export function validateShape(s: ExportShape): void {
  const whole = (name: keyof ExportShape, min: number): void => {
    const v = s[name];
    if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`export shape: ${name} must be an integer of at least ${min}, got ${v}`);
  };
  whole('organizations', 1);
  whole('usersPerOrganization', 1);
  whole('teamsPerOrganization', 1);
  whole('teamsPerMember', 0);
  whole('projectsPerOrganization', 1);
  whole('optionsPerProject', 0);
  whole('eventsPerOrganization', 0);
  whole('options', 0);
  if (s.teamsPerMember > s.teamsPerOrganization) {
    throw new RangeError(`export shape: teamsPerMember (${s.teamsPerMember}) exceeds teamsPerOrganization (${s.teamsPerOrganization})`);
  }
  if (s.optionsPerProject > projectOptionKeys.length) {
    throw new RangeError(`export shape: optionsPerProject may be at most ${projectOptionKeys.length}, got ${s.optionsPerProject}`);
  }
}

/** Keys of project options, as Sentry stores them; a project holds each at most once. */
export const projectOptionKeys = [
  'sentry:option-epoch',
  'sentry:resolve_age',
  'sentry:scrub_data',
  'sentry:scrub_defaults',
  'sentry:sensitive_fields',
  'sentry:safe_fields',
  'sentry:token',
  'sentry:grouping_config',
] as const;

/** The default shape grown to about `rows` rows; below one organization's worth, one smaller organization. */
export function shapeForRows(rows: number): ExportShape {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const perOrganization = totalRows(defaultShape);
  if (rows >= perOrganization) return { ...defaultShape, organizations: Math.round(rows / perOrganization) };
  const scale = rows / perOrganization;
  const at = (n: number): number => Math.max(1, Math.round(n * scale));
  const teams = at(defaultShape.teamsPerOrganization);
  return {
    ...defaultShape,
    usersPerOrganization: at(defaultShape.usersPerOrganization),
    teamsPerOrganization: teams,
    teamsPerMember: Math.min(defaultShape.teamsPerMember, teams),
    projectsPerOrganization: at(defaultShape.projectsPerOrganization),
    eventsPerOrganization: at(defaultShape.eventsPerOrganization),
  };
}

const rowUnits: Record<string, number> = { '': 1, k: 1e3, m: 1e6 };
const byteUnits: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "10k", "1M", "100000" → rows. */
export function parseRows(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([km]?)$/i.exec(text.trim());
  const unit = m ? rowUnits[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new RangeError(`--rows takes a count such as 10k, 100k, 1M or 250000, got "${text}"`);
  const rows = Math.round(Number(m[1]) * unit);
  if (rows < 1) throw new RangeError(`--rows must be at least 1, got "${text}"`);
  return rows;
}

/** "1GB", "200MB", "512kb" → bytes (binary units). */
export function parseBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?b)$/i.exec(text.trim());
  const unit = m ? byteUnits[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new RangeError(`--size takes a byte size such as 1GB, 200MB or 512KB, got "${text}"`);
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < 1) throw new RangeError(`--size must be at least 1 byte, got "${text}"`);
  return bytes;
}
