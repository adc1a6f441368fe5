import type { ContestantName, ContestantResult } from './contestants/contestant.ts';
import type { Machine } from './machine.ts';

/** One export size in one run: the contestants on the same rows. */
export interface SizeResult {
  label: string;
  rows: number;
  exportBytes: number;
  eventsBytes: number;
  models: Record<string, number>;
  events: number;
  seed: number;
  /** toCopyRelocated: rows/s over copy-relocated's (relocate's is its share of the COPY of its own rows); absent in runs before it. */
  contestants: Array<ContestantResult & { rowsPerSecond: number; toCopy: number | null; toBaseline: number | null; toCopyRelocated?: number | null }>;
  /** `relocate plan` of the same export on an empty database; toRelocate is its wall time over the import's. */
  plan?: PlanTiming;
  /** With a region: relocate's rows/s into it against into the empty target (empty / populated is the wall-time ratio). */
  region?: RegionComparison;
}

export interface RegionComparison {
  users: number;
  organizations: number;
  collide: number;
  emptyRowsPerSecond: number;
  populatedRowsPerSecond: number;
  /** populated rows/s over empty rows/s: the target is at least 2/3. */
  populatedToEmpty: number;
  mergeRowsPerSecond: number | null;
  mergeToEmpty: number | null;
}

/** relocate into the empty target against into the populated region, from one size's contestants. */
export function compareRegion(contestants: SizeResult['contestants']): RegionComparison | undefined {
  const empty = contestants.find((c) => c.contestant === 'relocate' && !c.variant);
  const populated = contestants.find((c) => c.variant === 'region');
  const merge = contestants.find((c) => c.variant === 'region-merge');
  if (!empty || !populated?.region) return undefined;
  return {
    users: populated.region.users,
    organizations: populated.region.organizations,
    collide: populated.region.collide,
    emptyRowsPerSecond: empty.rowsPerSecond,
    populatedRowsPerSecond: populated.rowsPerSecond,
    populatedToEmpty: populated.rowsPerSecond / empty.rowsPerSecond,
    mergeRowsPerSecond: merge ? merge.rowsPerSecond : null,
    mergeToEmpty: merge ? merge.rowsPerSecond / empty.rowsPerSecond : null,
  };
}

export interface PlanTiming { wallMs: number; cpuMs: number; peakRssBytes: number; toRelocate: number }

/** The JSON file a run writes under bench/results/. */
export interface BenchRun {
  startedAt: string;
  command: string;
  machine: Machine;
  sizes: SizeResult[];
}

export const contestantLabels: Record<ContestantName, string> = {
  copy: 'COPY bound (PostgreSQL COPY, rows pre-remapped, no Kafka)',
  baseline: 'row-at-a-time baseline (yardstick: SELECT + INSERT RETURNING + pk map per row, 20 rows per transaction)',
  relocate: 'relocate end to end (exports topic -> 5 stages -> relocation completed)',
  'copy-relocated': "COPY of relocate's rows (into an empty clone of the schema, one transaction, no Kafka)",
  'relocate-oneshot': 'relocate one-shot (`relocate import --json` with no stage live: spawn to exit)',
};

/** A contestant's name with the target it ran into. */
export const contestantTitle = (c: ContestantResult): string =>
  c.variant === 'region' ? `${c.contestant} (region)` : c.variant === 'region-merge' ? `${c.contestant} (region, --merge-users)` : c.contestant;

/** Rows per second and the ratios to the yardsticks in the same run. */
export function withRatios(results: ContestantResult[]): SizeResult['contestants'] {
  const rate = (r: ContestantResult): number => r.rows / (r.wallMs / 1000);
  const copy = results.find((r) => r.contestant === 'copy');
  const baseline = results.find((r) => r.contestant === 'baseline');
  const copyRelocated = results.find((r) => r.contestant === 'copy-relocated');
  return results.map((r) => ({
    ...r,
    rowsPerSecond: rate(r),
    toCopy: copy ? rate(r) / rate(copy) : null,
    toBaseline: baseline ? rate(r) / rate(baseline) : null,
    toCopyRelocated: copyRelocated ? rate(r) / rate(copyRelocated) : null,
  }));
}
