import type { StageName } from '@relocate/codec';
import type { LagSample, PartitionLag } from './sample.ts';
import { evaluate, type LagStatus, lagOf, type Observation, severity } from './status.ts';

export interface PartitionReport extends Omit<PartitionLag, 'observation'> { status: LagStatus }
/** lag: records the stage has still to consume, over its partitions; timeLagSeconds: the oldest of them. */
export interface StageReport { stage: StageName; group: string; topic: string; lag: number; timeLagSeconds: number | null; status: LagStatus; partitions: PartitionReport[] }
export interface LagReport { at: number; stages: StageReport[] }

/** Samples over time, a window per partition, to judge each partition as Burrow does. */
export class LagHistory {
  private readonly windows = new Map<string, Observation[]>();
  private readonly size: number;
  private readonly stopAfterMs: number;

  constructor(stopAfterMs: number, size = 10) {
    this.stopAfterMs = stopAfterMs;
    this.size = size;
  }

  add(sample: LagSample): LagReport {
    const stages = new Map<StageName, StageReport>();
    for (const p of sample.partitions) {
      const key = `${p.group}\u0000${p.topic}\u0000${p.partition}`;
      const window = [...(this.windows.get(key) ?? []), p.observation].slice(-this.size);
      this.windows.set(key, window);
      const { observation: _, ...rest } = p;
      const report: PartitionReport = { ...rest, status: evaluate(window, sample.at, this.stopAfterMs) };
      let s = stages.get(p.stage);
      if (!s) stages.set(p.stage, (s = { stage: p.stage, group: p.group, topic: p.topic, lag: 0, timeLagSeconds: 0, status: 'OK', partitions: [] }));
      s.partitions.push(report);
      // A stage that never committed a partition has all of it still to consume (it starts from the beginning).
      const lag = lagOf(p.observation);
      s.lag += lag;
      if (p.timeLagSeconds === null && lag > 0) s.timeLagSeconds = null;
      else if (s.timeLagSeconds !== null) s.timeLagSeconds = Math.max(s.timeLagSeconds, p.timeLagSeconds ?? 0);
      if (severity[report.status] > severity[s.status]) s.status = report.status;
    }
    return { at: sample.at, stages: [...stages.values()] };
  }
}
