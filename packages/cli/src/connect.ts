import { loadConfig } from '@relocate/config';
import { stackUp } from '@relocate/native-stack';
import { connect, type Connections } from '@relocate/pipeline';
import type { Terminal } from './terminal.ts';

/** The stack is ours to start only when nothing points the CLI elsewhere. */
export const usesDefaultStack = (): boolean => !process.env.KAFKA_BROKERS && !process.env.SCHEMA_REGISTRY_URL && !process.env.DATABASE_URL;

// Lines a person need not see each time: the stack was already up.
const routine = /already running|^postgresql: /;

/**
 * Connects a command to the stack, starting the native one first when nothing points elsewhere (then on the
 * endpoints it started, RELOCATE_STACK_* ports included). `logName` names the log file at a terminal; a quiet
 * command prints no stack lines and logs only warnings when not at a terminal.
 */
export async function connected(t: Terminal, logName: string, quiet: boolean): Promise<Connections> {
  const stackLines: string[] = [];
  const endpoints = usesDefaultStack()
    ? await stackUp({
      log: (line) => {
        stackLines.push(line);
        if (t.human ? !routine.test(line) : !quiet) t.notice(line);
      },
    })
    : undefined;
  const config = loadConfig(process.env, endpoints ?? {});
  const log = t.logger(config, logName, quiet);
  for (const line of stackLines) log.info({ component: 'stack' }, line);
  return connect(config, log);
}
