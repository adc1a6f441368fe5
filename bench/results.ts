import type { ContestantName, ContestantResult } from './contestants/contestant.ts';
import type { Machine } from './machine.ts';

/** One export size in one run: the three contestants on the same rows. */
export interface SizeResult {
  label: string;
  rows: number;
  exportBytes: number;
  eventsBytes: number;
  models: Record<string, number>;
  events: number;
  seed: number;
  contestants: Array<ContestantResult & { rowsPerSecond: number; toCopy: number | null; toBaseline: number | null }>;
  /** `relocate plan` of the same export on an empty database; toRelocate is its wall time over the import's. */
  plan?: PlanTiming;
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
};

/** Rows per second and the ratios to the yardsticks in the same run. */
export function withRatios(results: ContestantResult[]): SizeResult['contestants'] {
  const rate = (r: ContestantResult): number => r.rows / (r.wallMs / 1000);
  const copy = results.find((r) => r.contestant === 'copy');
  const baseline = results.find((r) => r.contestant === 'baseline');
  return results.map((r) => ({
    ...r,
    rowsPerSecond: rate(r),
    toCopy: copy ? rate(r) / rate(copy) : null,
    toBaseline: baseline ? rate(r) / rate(baseline) : null,
  }));
}
