import { type Command, InvalidArgumentError } from 'commander';
import { abortRelocation, failRelocation, getRelocation, withTransaction } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { cancelRelocation, pauseRelocation, resumeRelocation, retryRelocation } from '@relocate/operations';
import { disconnect } from '@relocate/pipeline';
import { terminalOf } from '../cli-context.ts';
import { connected } from '../connect.ts';
import { withHelp } from '../help.ts';
import { printRelocationRecord } from '../status-output.ts';

const someId = '2f0c6f7e-5d7b-4a39-9d1e-4d5f8f0a1b2c';

/** The relocation control commands share their shape: act, then show the record. */
function controlCommand(program: Command, name: string, description: string, act: typeof pauseRelocation): void {
  const cmd = program
    .command(name)
    .description(description)
    .argument('<relocation-id>')
    .option('--json', 'print the relocation record as JSON', false)
    .action(async (id: string, o: { json: boolean }) => {
      const c = await connected(terminalOf(program), name, true);
      try {
        const record = await act(c, id);
        if (o.json) process.stdout.write(`${JSON.stringify(record)}\n`);
        else printRelocationRecord(record);
      } finally {
        await disconnect(c);
      }
    });
  withHelp(cmd, [`relocate ${name} ${someId}`], 'Operating a relocation');
}

export function controlCommands(program: Command): void {
  controlCommand(program, 'pause', 'stages stop taking the relocation\'s records at the next one (other relocations on the same partitions wait too)', pauseRelocation);
  controlCommand(program, 'resume', 'stages take a paused relocation\'s records again, from where they stopped', resumeRelocation);
  controlCommand(program, 'cancel', 'stages skip the relocation\'s remaining records; its organizations stay hidden', cancelRelocation);

  const abort = program
    .command('abort')
    .description('remove everything a relocation inserted, in reverse dependency order')
    .argument('<relocation-id>')
    .option('--force', 'abort even while the relocation is still running', false)
    .action(async (id: string, o: { force: boolean }) => {
      const c = await connected(terminalOf(program), 'abort', true);
      try {
        const r = await getRelocation(c.pool, id);
        if (!r) throw new InvalidArgumentError(`no relocation ${id}`);
        if (r.status === 'running' && !o.force) throw new InvalidArgumentError(`relocation ${id} is still running; stop it first or pass --force`);
        const result = await withTransaction(c.pool, (client) => abortRelocation(client, ModelGraph.load(), id));
        if (r.status === 'running') await failRelocation(c.pool, id, 'aborted by an operator');
        process.stdout.write(`${JSON.stringify({ relocationId: id, ...result })}\n`);
      } finally {
        await disconnect(c);
      }
    });
  withHelp(abort, [`relocate abort ${someId}`, `relocate abort ${someId} --force`], 'Using it');

  const retry = program
    .command('retry')
    .description('re-run a failed relocation from the stage where it failed: its records parked in that stage\'s DLQ go back to the stage')
    .argument('<relocation-id>')
    .option('--json', 'print what was replayed as JSON', false)
    .action(async (id: string, o: { json: boolean }) => {
      const c = await connected(terminalOf(program), 'retry', true);
      try {
        const results = await retryRelocation(c, id);
        if (o.json) process.stdout.write(`${JSON.stringify(results)}\n`);
        else for (const r of results) process.stdout.write(`relocation ${id}: ${r.records} records of ${r.stage}'s DLQ sent back to ${r.stage}\n`);
      } finally {
        await disconnect(c);
      }
    });
  withHelp(retry, [`relocate retry ${someId}`], 'Operating a relocation');
}
