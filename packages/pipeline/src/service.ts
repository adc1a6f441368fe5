import type { StageName } from '@relocate/codec';
import { loadConfig } from '@relocate/config';
import { createLogger } from '@relocate/logging';
import { connect, disconnect, hostStages, stopOnSignals } from './host.ts';

/** The main of a stage service: one stage per process, scaled by running more processes in its consumer group. */
export async function runService(stage: StageName): Promise<void> {
  const config = loadConfig();
  const log = createLogger(stage, config.logLevel);
  const connections = await connect(config, log);
  const hosted = await hostStages(connections, [stage]);
  stopOnSignals(async () => {
    await hosted.stop();
    await disconnect(connections);
  }, log);
}
