import type { StageName } from '@relocate/codec';
import { type RunningStage, type StageDefinition, type StageDeps, type StageState, startStage } from './stage.ts';

/** The state of a stage run as several consumers: the worst of theirs. */
export function combinedState(states: StageState[]): StageState {
  for (const s of ['halted', 'crashed', 'stopping', 'starting'] as const) if (states.includes(s)) return s;
  return states.every((s) => s === 'stopped') && states.length > 0 ? 'stopped' : 'running';
}

/**
 * A stage run as `count` consumers of its group in one process, each with its own definition (a handler's memory of
 * a partition stays with its consumer) and its own fetch loop. kafkajs fetches a consumer's partitions together and
 * waits for every batch of a fetch before the next, so one consumer would let a slow relocation hold up every
 * other partition; with one consumer per partition, up to count, it holds up only its own. A halt (the DLQ limit)
 * halts them all: the failing record would otherwise move to the next consumer and fail there too.
 */
export async function startStageInstances<T>(stage: StageName, define: () => StageDefinition<T>, deps: StageDeps, count: number): Promise<RunningStage> {
  const instances: RunningStage[] = [];
  const haltAll = (reason: string): void => {
    for (const s of instances) s.halt(reason);
  };
  // Started together, so they join their group in one rebalance rather than one rebalance each.
  instances.push(...(await Promise.all(Array.from({ length: count }, () => startStage(define(), { ...deps, onHalt: haltAll })))));
  return {
    stage,
    state: () => combinedState(instances.map((s) => s.state())),
    restarts: () => instances.reduce((n, s) => n + s.restarts(), 0),
    lastCrash: () => instances.map((s) => s.lastCrash()).find((m) => m !== undefined),
    haltReason: () => instances.map((s) => s.haltReason()).find((m) => m !== undefined),
    halt: haltAll,
    quiesce: async () => {
      await Promise.all(instances.map((s) => s.quiesce()));
    },
    // Every consumer first ends its batch in hand and commits, then all leave: one that left first would start a
    // rebalance, and a commit during it may be refused, leaving the last record of a relocation to be read again.
    stop: async () => {
      await Promise.all(instances.map((s) => s.quiesce()));
      await Promise.all(instances.map((s) => s.stop()));
    },
  };
}
