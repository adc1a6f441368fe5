import { type Command, InvalidArgumentError } from 'commander';
import { buildSummary, getRelocation } from '@relocate/database';
import { listRelocations, relocationView } from '@relocate/operations';
import { disconnect } from '@relocate/pipeline';
import { terminalOf } from '../cli-context.ts';
import { connected } from '../connect.ts';
import { withHelp } from '../help.ts';
import { printRelocationList, printRelocationRecord } from '../status-output.ts';
import { printSummary } from '../summary.ts';

export function statusCommand(program: Command): void {
  const cmd = program
    .command('status')
    .description("a relocation's record: state, per-stage state and counts, failure, times, and its result; without an id, the latest relocations")
    .argument('[relocation-id]')
    .option('--json', 'print JSON', false)
    .action(async (id: string | undefined, o: { json: boolean }) => {
      const c = await connected(terminalOf(program), 'status', true);
      try {
        if (id === undefined) {
          const list = await listRelocations(c.pool);
          if (o.json) process.stdout.write(`${JSON.stringify(list)}\n`);
          else printRelocationList(list);
          return;
        }
        const r = await getRelocation(c.pool, id);
        const record = await relocationView(c.pool, id);
        if (!r || !record) throw new InvalidArgumentError(`no relocation ${id}`);
        const summary = r.summary ?? { ...(await buildSummary(c.pool, id)), status: r.status, reason: r.reason };
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ ...summary, record })}\n`);
          return;
        }
        printRelocationRecord(record);
        if (r.status !== 'running') printSummary(summary, false);
      } finally {
        await disconnect(c);
      }
    });
  withHelp(cmd, ['relocate status', 'relocate status 2f0c6f7e-5d7b-4a39-9d1e-4d5f8f0a1b2c --json'], 'Operating a relocation');
}
