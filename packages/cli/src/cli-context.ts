import type { Command } from 'commander';
import { loadConfig } from '@relocate/config';
import { Terminal } from './terminal.ts';

/** How this invocation speaks, from the global --verbose and LOG_LEVEL (see Terminal). */
export function terminalOf(program: Command): Terminal {
  const verbose = (program.opts() as { verbose?: boolean }).verbose === true;
  return new Terminal({ verbose, logLevelFromEnv: loadConfig().logLevelFromEnv });
}
