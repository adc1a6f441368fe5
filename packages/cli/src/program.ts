import { Command } from 'commander';
import { controlCommands } from './commands/control.ts';
import { encryptCommand } from './commands/encrypt.ts';
import { importCommand } from './commands/import.ts';
import { planCommand } from './commands/plan.ts';
import { runCommand } from './commands/run.ts';
import { stackCommands } from './commands/stack.ts';
import { statusCommand } from './commands/status.ts';
import { verifyCommand } from './commands/verify.ts';
import { watchCommands } from './commands/watch.ts';
import { withHelp } from './help.ts';

/** The relocate command: each subcommand is its own module; this only assembles them. */
export function buildProgram(): Command {
  const program = new Command('relocate')
    .description('Import Sentry relocation exports into PostgreSQL through a Kafka pipeline')
    .option('--verbose', 'JSON logs on stderr, as a service logs (at a terminal they go to .run/logs/ otherwise)', false);
  withHelp(program, [
    'relocate import examples/acme-export.json --events examples/acme-events.ndjson',
    'relocate status',
    'relocate import --help',
  ], 'Using it');

  importCommand(program);
  planCommand(program);
  verifyCommand(program);
  encryptCommand(program);
  runCommand(program);
  statusCommand(program);
  controlCommands(program);
  watchCommands(program);
  stackCommands(program);
  return program;
}
