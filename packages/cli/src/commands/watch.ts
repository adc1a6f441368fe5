import { type Command, InvalidArgumentError } from 'commander';
import { stageNames } from '@relocate/codec';
import { LagHistory, parseStage, replayFromDlq, rewindToRelocation, sampleLag, startDashboard } from '@relocate/operations';
import { disconnect, stopOnSignals } from '@relocate/pipeline';
import { terminalOf } from '../cli-context.ts';
import { connected } from '../connect.ts';
import { withHelp } from '../help.ts';
import { formatLag } from '../lag-output.ts';

const positiveSeconds = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number of seconds');
  return n;
};

/** replay, lag and dashboard: the commands that look at (or move) a stage's place in its topic. */
export function watchCommands(program: Command): void {
  const replay = program
    .command('replay')
    .description("send a stage's DLQ records back to its input (--from-dlq), or rewind the stage to a relocation's first record")
    .requiredOption('--stage <stage>', `the stage: ${stageNames.join(', ')}`)
    .option('--relocation <id>', 'only this relocation (required to rewind)')
    .option('--from-dlq', "re-send the stage's DLQ records instead of rewinding its offsets", false)
    .option('--json', 'print what was replayed as JSON', false)
    .action(async (o: { stage: string; relocation?: string; fromDlq: boolean; json: boolean }) => {
      const stage = parseStage(o.stage);
      if (!o.fromDlq && o.relocation === undefined) throw new InvalidArgumentError('a rewind goes back to one relocation\'s first record: give --relocation <id>, or --from-dlq');
      const c = await connected(terminalOf(program), 'replay', true);
      try {
        const result = o.fromDlq ? await replayFromDlq(c, stage, o.relocation) : await rewindToRelocation(c, stage, o.relocation as string);
        if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else if (result.mode === 'dlq') process.stdout.write(`${result.records} DLQ records of ${result.relocations.length} relocation(s) sent back to ${stage}\n`);
        else process.stdout.write(`${stage} rewound to partition ${result.partition} offset ${result.offset}, the first record of relocation ${o.relocation}; start the stage to re-run it\n`);
      } finally {
        await disconnect(c);
      }
    });
  withHelp(replay, ['relocate replay --stage writer --from-dlq', 'relocate replay --stage writer --relocation 2f0c6f7e-5d7b-4a39-9d1e-4d5f8f0a1b2c'], 'Operating a relocation');

  const lag = program
    .command('lag')
    .description('per stage and partition: committed offset, log-end offset, lag, time lag and a Burrow status (OK, WARN, STALL, STOP, REWIND)')
    .option('--watch', 'sample again every --interval until interrupted; WARN and REWIND need a few samples', false)
    .option('--interval <seconds>', 'seconds between samples with --watch', positiveSeconds, 2)
    .option('--json', 'one JSON report per line', false)
    .action(async (o: { watch: boolean; interval: number; json: boolean }) => {
      const c = await connected(terminalOf(program), 'lag', true);
      const history = new LagHistory(c.config.commitIntervalMs * 3);
      let stopping = false;
      process.once('SIGINT', () => (stopping = true));
      process.once('SIGTERM', () => (stopping = true));
      try {
        do {
          const report = history.add(await sampleLag(c));
          if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
          else process.stdout.write(`${o.watch && process.stdout.isTTY ? '\x1b[2J\x1b[H' : ''}${new Date(report.at).toISOString()}\n${formatLag(report)}`);
          if (o.watch) await new Promise((r) => setTimeout(r, o.interval * 1000));
        } while (o.watch && !stopping);
      } finally {
        await disconnect(c);
      }
    });
  withHelp(lag, ['relocate lag', 'relocate lag --watch --interval 5'], 'Operating a relocation');

  const dashboard = program
    .command('dashboard')
    .description('serve a status page: relocations, and per-stage lag over time')
    .option('--port <port>', 'port on 127.0.0.1 (0: any free port)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number');
      return n;
    }, 8090)
    .option('--interval <seconds>', 'seconds between lag samples', positiveSeconds, 2)
    .action(async (o: { port: number; interval: number }) => {
      const c = await connected(terminalOf(program), 'dashboard', true);
      const served = await startDashboard(c, { port: o.port, sampleMs: o.interval * 1000 });
      process.stderr.write(`dashboard on http://127.0.0.1:${served.port}/\n`);
      stopOnSignals(async () => {
        await served.stop();
        await disconnect(c);
      }, c.log);
    });
  withHelp(dashboard, ['relocate dashboard', 'relocate dashboard --port 0 --interval 1'], 'Operating a relocation');
}
