import { ModelGraph } from '@relocate/domain';
import { startProjector } from '@relocate/operations';
import { type RunningStage, type StageDefinition, startMonitoringServer, startStageInstances } from '@relocate/stage-runtime';
import type { Connections } from './connect.ts';

/** How a service builds its stage's domain step from the connections (each service exports one). */
export type StageBuilder = (c: Connections, graph: ModelGraph) => StageDefinition<never>;

export interface HostedStages {
  /** The stages hosted so far, in the order they started. */
  stages: RunningStage[];
  metricsPort: number;
  /** Hosts more stages in this process, on the same endpoint (`relocate import` takes up a stage nobody runs). */
  add(builders: StageBuilder[]): Promise<void>;
  stop(): Promise<void>;
}

// How long a stop waits for the record to show the stages' last reports.
const projectorCatchUpMs = 5_000;

/** Runs the given stages in this process, with one /metrics and /healthz endpoint for all of them. */
export async function hostStageBuilders(c: Connections, builders: StageBuilder[]): Promise<HostedStages> {
  const graph = ModelGraph.load();
  const deps = {
    kafka: c.kafka, codec: c.codec, pool: c.pool, topics: c.topics, topicPrefix: c.config.topicPrefix,
    retry: { maxRetries: c.config.maxRetries, baseMs: c.config.retryBaseMs },
    dlqLimit: { maxInvalidRatio: c.config.dlqMaxInvalidRatio, maxConsecutiveCount: c.config.dlqMaxConsecutive },
    commitIntervalMs: c.config.commitIntervalMs,
    sessionTimeoutMs: c.config.sessionTimeoutMs,
    compression: c.config.kafkaCompression,
    log: c.log,
  };
  const stages: RunningStage[] = [];
  const add = async (more: StageBuilder[]): Promise<void> => {
    // Started together: each joins its group while the others join theirs.
    stages.push(...(await Promise.all(more.map((build) => {
      const first = build(c, graph);
      let built = 0;
      // Each consumer gets a definition of its own: a handler's memory of a partition stays with its consumer.
      const define = () => (built++ === 0 ? first : build(c, graph));
      return startStageInstances(first.stage, define, deps, c.config.partitionConcurrency);
    }))));
  };
  await add(builders);
  // Every process that hosts stages also keeps the relocation record projected (one group, so once).
  const projector = await startProjector(c);
  const monitoring = await startMonitoringServer(c.config.metricsPort, () => {
    const halted = stages.filter((s) => s.haltReason());
    return {
      healthy: stages.every((s) => s.state() === 'running'),
      stages: Object.fromEntries(stages.map((s) => [s.stage, s.state()])),
      restarts: Object.fromEntries(stages.map((s) => [s.stage, s.restarts()])),
      ...(halted.length > 0 ? { halted: Object.fromEntries(halted.map((s) => [s.stage, s.haltReason()])) } : {}),
    };
  });
  c.log.info({ stages: stages.map((s) => s.stage), metricsPort: monitoring.port }, 'stages hosted');
  return {
    stages,
    metricsPort: monitoring.port,
    add,
    stop: async () => {
      // The stages together (each waits for its fetch in flight, and a stop must fit a supervisor's grace period),
      // then the projector once it has applied what they reported last: the record shows each stage as it ended.
      await Promise.all(stages.map((s) => s.stop()));
      await projector.catchUp(projectorCatchUpMs).catch((err: unknown) => c.log.warn({ err }, 'the relocation record may lag behind the stages; another process projects it'));
      await projector.stop();
      await new Promise<void>((r) => monitoring.server.close(() => r()));
    },
  };
}

