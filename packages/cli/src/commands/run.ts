import { type Command, InvalidArgumentError } from 'commander';
import { stageNames, type StageName } from '@relocate/codec';
import { disconnect, hostStages, stopOnSignals } from '@relocate/pipeline';
import { connected } from '../connect.ts';
import { withHelp } from '../help.ts';
import { Terminal } from '../terminal.ts';

export function runCommand(program: Command): void {
  const cmd = program
    .command('run')
    .description('run stages in this process until SIGTERM (all five by default); logs JSON on stderr, as a service does')
    .argument('[stage...]', `stages to run: ${stageNames.join(', ')}`)
    .action(async (stages: string[]) => {
      const unknown = stages.filter((s) => !(stageNames as readonly string[]).includes(s));
      if (unknown.length > 0) throw new InvalidArgumentError(`unknown stage ${unknown.join(', ')}; stages are ${stageNames.join(', ')}`);
      const c = await connected(Terminal.forService(), 'run', false);
      const hosted = await hostStages(c, stages.length > 0 ? (stages as StageName[]) : [...stageNames]);
      stopOnSignals(async () => {
        await hosted.stop();
        await disconnect(c);
      }, c.log);
    });
  withHelp(cmd, ['relocate run', 'relocate run writer event-saver'], 'Running the services');
}
