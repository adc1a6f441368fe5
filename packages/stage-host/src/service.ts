import { loadConfig } from '@relocate/config';
import { createLogger } from '@relocate/logging';
import type { Logger } from '@relocate/logging';
import type { StageName } from '@relocate/codec';
import { connect, disconnect } from './connect.ts';
import { hostStageBuilders, type StageBuilder } from './host.ts';

/**
 * The main of a stage service: one stage per process, scaled by running more processes in its consumer group. The
 * service hands in its own builder, so this package knows no service.
 */
export async function runService(stage: StageName, build: StageBuilder): Promise<void> {
  const config = loadConfig();
  const log = createLogger(stage, config.logLevel);
  const connections = await connect(config, log);
  const hosted = await hostStageBuilders(connections, [build]);
  stopOnSignals(async () => {
    await hosted.stop();
    await disconnect(connections);
  }, log);
}

/** SIGTERM, SIGINT or SIGHUP: finish the record in hand, commit, disconnect, exit. A second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) process.exit(130);
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => onSignal(signal));
}
