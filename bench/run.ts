/**
 * `npm run bench`: the contestants import the same synthetic export, in the same run, on the same database
 * server: the COPY bound, the row-at-a-time baseline, relocate end to end with its stages live, the COPY of the rows
 * relocate wrote, and relocate one-shot (the CLI hosting every stage itself). Prints a table, writes the JSON
 * under bench/results/ and redraws the rows/s plot from every result there. Never a timed test: no thresholds.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@relocate/config';
import { createPool, onDatabase } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { collidingNames, parseBytes, parseRows, parseShare, type RegionShape, shapeForBytes, shapeForRows, SyntheticExport, writeExport, type WrittenExport } from '@relocate/export-generator';
import { comparedTables, contestantNames, type ContestantName, type ContestantResult, type Variant } from './contestants/contestant.ts';
import { describeMachine, type Machine } from './machine.ts';
import { latestPoints, throughputSvg } from './plot.ts';
import type { PlanBenchResult } from './plan.ts';
import { type BenchRun, compareRegion, contestantLabels, type PlanTiming, type SizeResult, withRatios } from './results.ts';
import { oneshotLine, regionTable, resultTable } from './table.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = `usage: npm run bench -- [--rows 10k,100k,1M] [--size 1GB] [--contestants copy,baseline,relocate,copy-relocated,relocate-oneshot] [--seed N]
                     [--out bench/results] [--work DIR] [--cpu-prof DIR] [--trace-sql]
                     [--region-users 1M --region-orgs 100k [--collide 100%]]
Without --rows or --size it runs 100k rows; copy-relocated copies relocate's rows, so it needs relocate. With a region, relocate also runs into a target that first holds that
many resident users (with emails) and organizations (with slug reservations), which hold --collide of the export's
usernames, emails and slugs: once renaming them, once with --merge-users. For profiling runs (they slow relocate down, so keep their --out apart):
--cpu-prof writes a V8 CPU profile of the relocate contestant to DIR; --trace-sql times relocate's queries.`;

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    size: { type: 'string' },
    contestants: { type: 'string', default: contestantNames.join(',') },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: path.join(root, 'bench', 'results') },
    work: { type: 'string', default: path.join(tmpdir(), 'relocate-bench') },
    'cpu-prof': { type: 'string' },
    'trace-sql': { type: 'boolean', default: false },
    'region-users': { type: 'string' },
    'region-orgs': { type: 'string' },
    collide: { type: 'string', default: '100%' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

const chosen = values.contestants.split(',').map((s) => s.trim()) as ContestantName[];
for (const c of chosen) {
  if (!contestantNames.includes(c)) throw new Error(`unknown contestant "${c}"; contestants are ${contestantNames.join(', ')}`);
}
if (chosen.includes('copy-relocated') && !chosen.includes('relocate')) throw new Error('copy-relocated copies the rows relocate wrote: --contestants must name relocate too');
// In contestantNames' order whatever the order asked: copy-relocated reads relocate's database, so it runs after it.
const contestants = contestantNames.filter((c) => chosen.includes(c));
const seed = Number(values.seed);
const sizes = [
  ...(values.rows ?? (values.size ? '' : '100k')).split(',').filter(Boolean).map((t) => ({ label: `${t} rows`, shape: shapeForRows(parseRows(t)) })),
  ...(values.size ?? '').split(',').filter(Boolean).map((t) => ({ label: t, shape: shapeForBytes(parseBytes(t), seed) })),
];

const region: RegionShape | undefined = values['region-users'] === undefined ? undefined : {
  users: parseRows(values['region-users']),
  organizations: parseRows(values['region-orgs'] ?? '0'),
  collide: parseShare(values.collide),
};

const config = loadConfig();
const runId = randomBytes(3).toString('hex');
const databaseOf = (c: ContestantName | 'plan'): string => {
  const base = new URL(config.databaseUrl).pathname.slice(1) || 'relocate';
  return config.databaseUrl.replace(/\/[^/]*$/, `/${base}_bench_${c}`);
};

const contestantFiles: Record<ContestantName, string> = {
  copy: 'copy-bound.ts', baseline: 'row-at-a-time.ts', relocate: 'relocate.ts', 'copy-relocated': 'copy-relocated.ts', 'relocate-oneshot': 'relocate-oneshot.ts',
};

/** Runs one contestant in its own process, so its peak RSS and CPU are its own. */
function runContestant(c: ContestantName, written: WrittenExport, variant?: Variant): Promise<ContestantResult> {
  const regionArgs = variant && region ? ['--region-users', String(region.users), '--region-orgs', String(region.organizations), '--collide', String(region.collide),
    '--shape', JSON.stringify(written.shape), '--seed', String(written.seed), ...(variant === 'region-merge' ? ['--merge-users'] : [])] : [];
  // Contestants run from their bundles, as the CLI and the services do; a profiled run runs the sources, so that its
  // time is charged to the package it was spent in.
  const launch = c === 'relocate' && values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof']), '--import', 'tsx'] : [path.join(root, 'bin', 'run.js')];
  const extra = [...(c === 'relocate' && values['trace-sql'] ? ['--trace-sql'] : []), ...(c === 'copy-relocated' ? ['--copy-from', databaseOf('relocate')] : []), ...regionArgs];
  return runBenchProcess(c, [...launch, path.join(root, 'bench', 'contestants', contestantFiles[c])], databaseOf(c), written, extra);
}

/** A script of the bench in a process of its own on the export; its result is the JSON on the last line of its stdout. */
function runBenchProcess<T>(name: string, args: string[], database: string, written: WrittenExport, extra: string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...args, '--export', written.exportPath, '--events', written.eventsPath, '--rows', String(written.rows), ...extra], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: database,
      // A prefix per process: relocate-oneshot must find every consumer group empty, whoever ran before it.
      RELOCATE_TOPIC_PREFIX: `${config.topicPrefix}.bench.${runId}.${written.rows}.${name}`,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trimEnd().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${name} exited with ${code}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${name} printed no result; its stdout ended with: ${last.slice(-300)}`));
      }
    });
  });
}

/**
 * `relocate plan` of the same export on an empty database, as the relocate contestant found it: its time beside the
 * import's, and its predicted inserts checked against the export (a fast wrong plan is no plan).
 */
async function runPlan(written: WrittenExport, relocate: ContestantResult): Promise<PlanTiming> {
  const r = await runBenchProcess<PlanBenchResult>('plan', [path.join(root, 'bin', 'run.js'), path.join(root, 'bench', 'plan.ts')], databaseOf('plan'), written);
  for (const [model, n] of Object.entries(written.models)) {
    // Options are Config scope: an organization-scope import leaves them out.
    const want = model === 'sentry.option' ? undefined : n;
    if (r.inserted[model] !== want) throw new Error(`plan predicted ${r.inserted[model]} inserts of ${model}, expected ${want}`);
  }
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, peakRssBytes: r.peakRssBytes, toRelocate: r.wallMs / relocate.wallMs };
}

/**
 * Every contestant must have written the rows of the export; a fast wrong answer is no answer. Into a region, an
 * email its residents hold is reused rather than written, and with --merge-users so is a user, whose user emails
 * stay the resident's.
 */
function checkSameRows(written: WrittenExport, results: ContestantResult[]): void {
  const graph = ModelGraph.load();
  const expected: Record<string, number> = { 'relocate.saved_event': written.events, sentry_option: 0 };
  for (const [model, n] of Object.entries(written.models)) {
    const table = graph.get(model)?.tableName;
    // Options are Config scope: an organization-scope import leaves them out.
    if (table && model !== 'sentry.option') expected[table] = n;
  }
  const taken = region ? collidingNames(new SyntheticExport(written.shape, written.seed), region.collide).usernames.length : 0;
  const expectedOf = (r: ContestantResult): Record<string, number> => {
    if (!r.variant) return expected;
    const reused = { sentry_email: (expected.sentry_email ?? 0) - taken };
    return r.variant === 'region' ? { ...expected, ...reused }
      : { ...expected, ...reused, auth_user: (expected.auth_user ?? 0) - taken, sentry_useremail: (expected.sentry_useremail ?? 0) - taken };
  };
  const first = results[0];
  for (const r of results) {
    for (const table of comparedTables) {
      const got = r.tables[table];
      const want = expectedOf(r)[table] ?? first?.tables[table];
      if (got !== want) throw new Error(`contestant ${r.contestant} wrote ${got} rows to ${table}, expected ${want} (as ${expected[table] === undefined ? first?.contestant : 'the export holds'})`);
    }
  }
}

async function main(): Promise<void> {
  const admin = createPool(onDatabase(config, 'postgres'), 1);
  let machine: Machine;
  try {
    machine = await describeMachine(admin);
  } finally {
    await admin.end();
  }
  const startedAt = new Date().toISOString();
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  process.stderr.write(`bench: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}\n`);
  mkdirSync(values.work, { recursive: true });
  const results: SizeResult[] = [];
  for (const size of sizes) {
    const dir = path.join(values.work, `${runId}-${size.label.replace(/\W+/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    try {
      process.stderr.write(`bench: generating ${size.label}...\n`);
      const written = await writeExport({ shape: size.shape, seed, exportPath: path.join(dir, 'export.json'), eventsPath: path.join(dir, 'events.ndjson') });
      const raw: ContestantResult[] = [];
      for (const c of contestants) {
        process.stderr.write(`bench: ${size.label}: ${contestantLabels[c]}...\n`);
        // Other work on the machine skews a run; the load average before and after says how much there was.
        const before = loadavg()[0] ?? 0;
        const r = await runContestant(c, written);
        raw.push({ ...r, loadAverage: [before, loadavg()[0] ?? 0] });
        process.stderr.write(`bench: ${size.label}: ${c} took ${(r.wallMs / 1000).toFixed(1)} s\n`);
      }
      for (const variant of region && contestants.includes('relocate') ? (['region', 'region-merge'] as const) : []) {
        process.stderr.write(`bench: ${size.label}: relocate into the populated region${variant === 'region-merge' ? ' with --merge-users' : ''}...\n`);
        const before = loadavg()[0] ?? 0;
        const r = await runContestant('relocate', written, variant);
        raw.push({ ...r, loadAverage: [before, loadavg()[0] ?? 0] });
        process.stderr.write(`bench: ${size.label}: relocate (${variant}) took ${(r.wallMs / 1000).toFixed(1)} s after ${((r.region?.fillMs ?? 0) / 1000).toFixed(1)} s filling the region\n`);
      }
      checkSameRows(written, raw);
      const relocated = raw.find((r) => r.contestant === 'relocate');
      if (relocated) process.stderr.write(`bench: ${size.label}: relocate plan...\n`);
      const plan = relocated ? await runPlan(written, relocated) : undefined;
      const result: SizeResult = {
        label: size.label, rows: written.rows, exportBytes: written.exportBytes, eventsBytes: written.eventsBytes,
        models: written.models, events: written.events, seed, contestants: withRatios(raw), ...(plan ? { plan } : {}),
      };
      const comparison = compareRegion(result.contestants);
      if (comparison) result.region = comparison;
      results.push(result);
      process.stdout.write(`\n${resultTable(result)}\n`);
      if (result.region) process.stdout.write(`\n${regionTable(result.label, result.region)}\n`);
      const oneshot = result.contestants.find((c) => c.contestant === 'relocate-oneshot');
      if (oneshot) process.stdout.write(`\n${oneshotLine(oneshot, result.contestants.find((c) => c.contestant === 'relocate' && !c.variant))}\n`);
      if (plan) process.stdout.write(`relocate plan of the same export: ${(plan.wallMs / 1000).toFixed(1)} s, ${(plan.toRelocate * 100).toFixed(0)}% of the import's wall time, peak RSS ${Math.round(plan.peakRssBytes / 2 ** 20)} MB\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  mkdirSync(values.out, { recursive: true });
  const run: BenchRun = { startedAt, command, machine, sizes: results };
  const file = path.join(values.out, `${startedAt.replace(/[:.]/g, '-')}-${results.map((r) => r.rows).join('-')}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  const runs = readdirSync(values.out).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(values.out, f), 'utf8')) as BenchRun)
    .filter((r) => Array.isArray(r.sizes));
  const plot = path.join(values.out, 'throughput.svg');
  writeFileSync(plot, throughputSvg(latestPoints(runs), `${machine.cpus} CPUs ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}, local Kafka`));
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), file)} and ${path.relative(process.cwd(), plot)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
