import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { createPool, type DatabaseTarget, ident, migrate, type Pool, recreateDatabase, sql } from '@relocate/database';
import { type ExportShape, parseShare, type RegionShape } from '@relocate/export-generator';

/** What a contestant reports on the last line of its stdout; the runner reads nothing else from it. */
export interface ContestantResult {
  contestant: ContestantName;
  /** Export records plus events that went in. */
  rows: number;
  wallMs: number;
  /** Peak resident set size of the contestant's process (getrusage maxrss; relocate-oneshot: the CLI's VmHWM). */
  peakRssBytes: number;
  /** CPU this Node process spent in the timed section; the rest of the wall time is waiting (database, Kafka). */
  cpuMs: number;
  /** Rows per table afterwards: every contestant must have written the same. */
  tables: Record<string, number>;
  /** relocate only: busy time per stage (sum of relocate_batch_duration_seconds) and records it processed. */
  stages?: Record<string, { busySeconds: number; batches: number; records: number }>;
  /** relocate only, not in wallMs: starting the five stages until every consumer group has its member. */
  startupMs?: number;
  /** relocate with --trace-sql only: latency per statement shape, the slowest first. */
  statements?: Array<{ sql: string; calls: number; totalMs: number }>;
  /** relocate into a populated region only: the region, and how long filling it took (before the clock). */
  variant?: Variant;
  region?: RegionShape & { fillMs: number };
  /** Set by the runner: the machine's 1-minute load average before and after the contestant ran. */
  loadAverage?: [number, number];
}

/** In the order they run: copy-relocated copies the rows relocate wrote, so it comes after it. */
export const contestantNames = ['copy', 'baseline', 'relocate', 'copy-relocated', 'relocate-oneshot'] as const;
export type ContestantName = (typeof contestantNames)[number];

/** relocate into a region whose residents hold some of the export's names; with --merge-users, merging into them. */
export type Variant = 'region' | 'region-merge';

export interface ContestantInput {
  exportPath: string;
  eventsPath: string;
  rows: number;
  traceSql: boolean;
  /** copy-relocated only: the database whose rows it copies (the relocate contestant's). */
  copyFrom?: string;
  /** The region to fill before the clock starts, and the export (shape and seed) whose names it takes. */
  region?: RegionShape & { shape: ExportShape; seed: number; mergeUsers: boolean };
}

/** The files a contestant imports, as the runner passes them. */
export function contestantInput(): ContestantInput {
  const { values } = parseArgs({
    options: {
      export: { type: 'string' }, events: { type: 'string' }, rows: { type: 'string' }, 'trace-sql': { type: 'boolean', default: false },
      'copy-from': { type: 'string' }, 'region-users': { type: 'string' }, 'region-orgs': { type: 'string' }, collide: { type: 'string' }, shape: { type: 'string' }, seed: { type: 'string' },
      'merge-users': { type: 'boolean', default: false },
    },
  });
  if (!values.export || !values.events || !values.rows) throw new Error('a contestant takes --export <file> --events <file> --rows <n> [--trace-sql] [--copy-from <database url>] [--region-users <n> --region-orgs <n> --collide <share> --shape <json> --seed <n> [--merge-users]]');
  const input: ContestantInput = {
    exportPath: values.export, eventsPath: values.events, rows: Number(values.rows), traceSql: values['trace-sql'],
    ...(values['copy-from'] ? { copyFrom: values['copy-from'] } : {}),
  };
  if (values['region-users'] === undefined) return input;
  return {
    ...input,
    region: {
      users: Number(values['region-users']), organizations: Number(values['region-orgs']), collide: parseShare(values.collide ?? '1'),
      shape: JSON.parse(values.shape ?? 'null') as ExportShape, seed: Number(values.seed), mergeUsers: values['merge-users'],
    },
  };
}

/** Drops and creates the database a URL names, then applies the project's migrations to it. */
export async function freshDatabase(target: DatabaseTarget, poolSize = 2): Promise<Pool> {
  await recreateDatabase(target);
  const pool = createPool(target, poolSize);
  await migrate(pool);
  return pool;
}

/** The tables the benchmark compares: Sentry's rows and the saved events. */
export const comparedTables = [
  'auth_user', 'sentry_email', 'sentry_useremail', 'sentry_organization', 'sentry_organizationmember', 'sentry_team',
  'sentry_organizationmember_teams', 'sentry_project', 'sentry_projectkey', 'sentry_projectoptions', 'sentry_option',
  'sentry_release', 'sentry_environment', 'sentry_release_project', 'sentry_environmentproject', 'relocate.saved_event',
] as const;

export async function countTables(pool: Pool): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of comparedTables) {
    const { rows } = await pool.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${ident(t)}`.text);
    out[t] = rows[0]?.n ?? 0;
  }
  return out;
}

/** Times fn, with the CPU this process spent on it. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { result, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Runs a contestant's main and prints its result as the last line of stdout; any failure exits non-zero. It exits
 * explicitly so that a client library's lingering timer cannot hold the benchmark up.
 */
export function report<T = ContestantResult>(main: () => Promise<T>): void {
  main().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

/** A bench run's topics are its own (a fresh prefix per run): remove them so runs do not fill the broker. */
export async function deleteTopicsWithPrefix(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
