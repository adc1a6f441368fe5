/**
 * `relocate plan` in the benchmark: plans the export against a fresh database, as the relocate contestant found
 * its own, through the same code the CLI runs. The clock covers the plan alone.
 */
import { loadConfig } from '@relocate/config';
import { ModelGraph } from '@relocate/domain';
import { planImport } from '@relocate/plan';
import { contestantInput, freshDatabase, peakRssBytes, report, timed } from './contestants/contestant.ts';

export interface PlanBenchResult { wallMs: number; cpuMs: number; peakRssBytes: number; inserted: Record<string, number> }

report<PlanBenchResult>(async () => {
  const input = contestantInput();
  const config = loadConfig();
  const pool = await freshDatabase(config);
  try {
    const run = await timed(() => planImport(
      { pool, graph: ModelGraph.load(), site: { urlPrefix: config.sentryUrlPrefix }, batchRecords: config.batchRecords, batchBytes: config.batchBytes },
      { exportPath: input.exportPath, eventsPath: input.eventsPath, options: { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null } },
    ));
    if (run.result.status !== 'would-succeed') throw new Error(`the plan says the import would fail: ${run.result.reason ?? 'no reason'}`);
    const inserted = Object.fromEntries(Object.entries(run.result.models).map(([m, c]) => [m, c.inserted]));
    return { wallMs: run.wallMs, cpuMs: run.cpuMs, peakRssBytes: peakRssBytes(), inserted };
  } finally {
    await pool.end();
  }
});
