/**
 * Contestant 3, relocate: the export is produced to the exports topic and goes through all five stages on the real
 * stack until the relocation completes. The five stages run in this process, as the services would run beside it:
 * they are started and have joined their consumer groups before the clock starts, so runImport finds them live
 * and only submits and waits. The clock covers producing the export, all five stages and the completion. Into a
 * region, the target is filled first (fillRegion), before the stages start and the clock runs.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@relocate/config';
import { createLogger } from '@relocate/logging';
import { stageNames } from '@relocate/codec';
import { connect, disconnect, hostStages, liveStages, runImport } from '@relocate/pipeline';
import { metrics } from '@relocate/stage-runtime';
import { fillRegion, SyntheticExport } from '@relocate/export-generator';
import { contestantInput, countTables, deleteTopicsWithPrefix, freshDatabase, peakRssBytes, report, timed } from './contestant.ts';
import { traceQueries } from './sql-trace.ts';

const minus = (after: Record<string, number>, before: Record<string, number> | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(after).map(([t, n]) => [t, n - (before?.[t] ?? 0)]));

/** Busy seconds, batches and records per stage, from the stage runtime's own metrics (relocate_batch_duration_seconds). */
async function stageTimes(): Promise<Record<string, { busySeconds: number; batches: number; records: number }>> {
  const out: Record<string, { busySeconds: number; batches: number; records: number }> = {};
  const at = (stage: string) => (out[stage] ??= { busySeconds: 0, batches: 0, records: 0 });
  const latency = await metrics.batchLatency.get();
  for (const v of latency.values) {
    const stage = String(v.labels.stage);
    if (v.metricName === 'relocate_batch_duration_seconds_sum') at(stage).busySeconds += v.value;
    if (v.metricName === 'relocate_batch_duration_seconds_count') at(stage).batches += v.value;
  }
  const processed = await metrics.recordsProcessed.get();
  for (const v of processed.values) at(String(v.labels.stage)).records += v.value;
  return out;
}

report(async () => {
  const input = contestantInput();
  const config = loadConfig();
  const fresh = await freshDatabase(config);
  const region = input.region;
  let fillMs = 0;
  try {
    if (region) fillMs = (await timed(() => fillRegion(fresh, new SyntheticExport(region.shape, region.seed), region))).wallMs;
  } finally {
    await fresh.end();
  }
  const c = await connect(config, createLogger('bench-relocate', config.logLevel));
  // Into a populated region, the rows the relocation wrote are those counted after less those the region held.
  const residents = region ? await countTables(c.pool) : undefined;
  // Traced from here: the relocation's statements, not those that made the database and filled the region.
  const statements = input.traceSql ? traceQueries() : undefined;
  const startup = performance.now();
  const hosted = await hostStages(c, [...stageNames]);
  try {
    while ((await liveStages(c)).length < stageNames.length) await new Promise((r) => setTimeout(r, 100));
    const startupMs = performance.now() - startup;
    const run = await timed(() => runImport(c, {
      relocationId: `bench-${randomUUID()}`,
      exportPath: input.exportPath,
      eventsPath: input.eventsPath,
      options: { scope: 'ORGANIZATION', mergeUsers: region?.mergeUsers ?? false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null },
    }));
    const { summary, hostedStages: extra } = run.result;
    if (extra.length > 0) throw new Error(`runImport hosted ${extra.join(', ')} itself: the stages started for the benchmark were not live`);
    if (summary.status !== 'success') throw new Error(`relocation ${summary.relocationId} failed: ${summary.reason ?? 'no reason'}`);
    return {
      contestant: 'relocate',
      rows: input.rows,
      wallMs: run.wallMs,
      cpuMs: run.cpuMs,
      peakRssBytes: peakRssBytes(),
      tables: minus(await countTables(c.pool), residents),
      ...(region ? { variant: region.mergeUsers ? 'region-merge' : 'region', region: { users: region.users, organizations: region.organizations, collide: region.collide, fillMs } } : {}),
      stages: await stageTimes(),
      startupMs,
      ...(statements ? { statements: statements().slice(0, 30) } : {}),
    };
  } finally {
    await hosted.stop();
    await deleteTopicsWithPrefix(c.kafka, config.topicPrefix);
    await disconnect(c);
  }
});
