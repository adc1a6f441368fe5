import { Command, InvalidArgumentError, Option } from 'commander';
import { stageNames, type StageName } from '@relocate/codec';
import { loadConfig } from '@relocate/config';
import { abortRelocation, buildSummary, failRelocation, getRelocation, type RelocationSummary, withTransaction } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { createLogger } from '@relocate/logging';
import { stackDown, stackStatus, stackStopPart, stackUp } from '@relocate/native-stack';
import {
  cancelRelocation, LagHistory, listRelocations, parseStage, pauseRelocation, relocationView, replayFromDlq, resumeRelocation,
  retryRelocation, rewindToRelocation, sampleLag, startDashboard,
} from '@relocate/operations';
import { connect, disconnect, hostStages, ImportInterrupted, rejectSubmission, runImport, stderrNotice, stopOnSignals } from '@relocate/pipeline';
import { type DecryptedExport, DecryptionError, decryptToFile, encryptFile } from './encryption.ts';
import { writeFindings } from './findings-file.ts';
import { formatLag } from './lag-output.ts';
import { printSummary } from './output.ts';
import { StageProgressBars } from './progress-bars.ts';
import { printRelocationList, printRelocationRecord } from './status-output.ts';

const program = new Command('relocate').description('Import Sentry relocation exports into PostgreSQL through a Kafka pipeline');

/** The stack is ours to start only when nothing points the CLI elsewhere. */
const usesDefaultStack = (): boolean => !process.env.KAFKA_BROKERS && !process.env.SCHEMA_REGISTRY_URL && !process.env.DATABASE_URL;

async function connected(quiet: boolean) {
  if (usesDefaultStack()) await stackUp({ log: (line) => quiet || process.stderr.write(`${line}\n`) });
  const config = loadConfig();
  // Logs go to stderr so that stdout carries only results.
  const log = createLogger('relocate', quiet ? 'warn' : config.logLevel);
  return connect(config, log);
}

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

program
  .command('import')
  .description('submit an export, run it through every stage, and wait for the result')
  .argument('<export.json>', 'Sentry export: a JSON array of models')
  .option('--events <events.ndjson>', 'Sentry event payloads, one per line, whose project is the export\'s project pk')
  .addOption(new Option('--scope <scope>', 'import scope').choices(['user', 'organization', 'config', 'global']).default('organization'))
  .option('--merge-users', 'reuse existing users with the same username instead of renaming the imported ones', false)
  .option('--overwrite-configs', 'overwrite existing options, relays and user roles with the imported values', false)
  .option('--no-hide-organizations', 'make imported organizations visible at once instead of when the relocation completes')
  .option('--filter-org-slugs <slugs>', 'import only these organizations, with their members\' users (comma-separated)', list)
  .option('--filter-usernames <names>', 'import only these users (comma-separated)', list)
  .option('--drop-dangling', 'drop a record that refers to a pk the export lacks, as Sentry does (a warning finding each), instead of failing', false)
  .option('--relocation-id <id>', 'run under this id (again, to re-run a relocation); default: a new UUID')
  .option('--timeout <seconds>', 'give up waiting after this long (the relocation keeps running)', (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('a number of seconds');
    return n;
  }, 0)
  .option('--decrypt-with <private-key.pem>', "the export is Sentry's encrypted tarball; decrypt it with this RSA private key")
  .option('--findings-file <path>', 'also write the findings as JSON to this file')
  .option('--json', 'print the result as one JSON object on the last line of stdout', false)
  .action(async (exportPath: string, o: {
    decryptWith?: string; findingsFile?: string;
    events?: string; scope: string; mergeUsers: boolean; overwriteConfigs: boolean; hideOrganizations: boolean;
    filterOrgSlugs?: string[]; filterUsernames?: string[]; dropDangling: boolean; relocationId?: string; timeout: number; json: boolean;
  }) => {
    const c = await connected(o.json);
    const options = {
      scope: o.scope.toUpperCase() as 'USER' | 'ORGANIZATION' | 'CONFIG' | 'GLOBAL',
      mergeUsers: o.mergeUsers,
      overwriteConfigs: o.overwriteConfigs,
      hideOrganizations: o.hideOrganizations,
      filterOrgSlugs: o.filterOrgSlugs ?? null,
      filterUsernames: o.filterUsernames ?? null,
      dropDangling: o.dropDangling,
    };
    let decrypted: DecryptedExport | undefined;
    // Bars only for a person at a terminal; --json and pipes get the plain result.
    const bars = !o.json && process.stderr.isTTY;
    let progress: StageProgressBars | undefined;
    try {
      let summary: RelocationSummary;
      try {
        decrypted = o.decryptWith ? await decryptToFile(exportPath, o.decryptWith) : undefined;
      } catch (err) {
        if (!(err instanceof DecryptionError)) throw err;
        summary = await rejectSubmission(c, o.relocationId, options, { kind: 'DecryptionFailed', model: null, pk: null, field: null, reason: `${exportPath}: ${err.message}` });
      }
      summary ??= (await runImport(c, { relocationId: o.relocationId, exportPath: decrypted?.path ?? exportPath, eventsPath: o.events, options }, {
        timeoutMs: o.timeout * 1000,
        notice: stderrNotice,
        handleSignals: true,
        onProgress: (p) => {
          if (!bars) {
            if (!o.json) process.stderr.write(`relocating: ${p.records} records written, ${p.events} events saved, ${p.findings} findings${p.paused ? ' (paused)' : ''}\n`);
            return;
          }
          progress ??= new StageProgressBars(stageNames, p.chunks ?? 1);
          progress.update(p);
        },
      })).summary;
      if (progress) {
        // The bars end as the record does, however short the relocation was.
        const final = await relocationView(c.pool, summary.relocationId);
        if (final) progress.update({ records: 0, events: 0, findings: 0, paused: false, stages: final.stages });
        progress.stop();
      }
      const findingsPath = writeFindings(summary, { file: o.findingsFile, dir: c.config.findingsDir });
      printSummary({ ...summary, findingsPath }, o.json);
      process.exitCode = summary.status === 'success' ? 0 : 1;
    } catch (err) {
      // The stages hosted here stopped cleanly and runImport said how the relocation goes on.
      if (!(err instanceof ImportInterrupted)) throw err;
      process.exitCode = 130;
    } finally {
      progress?.stop();
      await decrypted?.dispose();
      await disconnect(c);
    }
  });

program
  .command('encrypt')
  .description("write an export as Sentry's encrypted tarball, as `sentry export --encrypt-with` does")
  .argument('<export.json>')
  .requiredOption('--encrypt-with <public-key.pem>', 'RSA public key (SubjectPublicKeyInfo PEM) to wrap the data key with')
  .requiredOption('-o, --output <export.tar>', 'where to write the tarball')
  .action(async (exportPath: string, o: { encryptWith: string; output: string }) => {
    await encryptFile(exportPath, o.encryptWith, o.output);
  });

program
  .command('run')
  .description('run stages in this process until SIGTERM (all five by default)')
  .argument('[stage...]', `stages to run: ${stageNames.join(', ')}`)
  .action(async (stages: string[]) => {
    const unknown = stages.filter((s) => !(stageNames as readonly string[]).includes(s));
    if (unknown.length > 0) throw new InvalidArgumentError(`unknown stage ${unknown.join(', ')}; stages are ${stageNames.join(', ')}`);
    const c = await connected(false);
    const hosted = await hostStages(c, stages.length > 0 ? (stages as StageName[]) : [...stageNames]);
    stopOnSignals(async () => {
      await hosted.stop();
      await disconnect(c);
    }, c.log);
  });

program
  .command('status')
  .description("a relocation's record: state, per-stage state and counts, failure, times, and its result; without an id, the latest relocations")
  .argument('[relocation-id]')
  .option('--json', 'print JSON', false)
  .action(async (id: string | undefined, o: { json: boolean }) => {
    const c = await connected(true);
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

program
  .command('abort')
  .description('remove everything a relocation inserted, in reverse dependency order')
  .argument('<relocation-id>')
  .option('--force', 'abort even while the relocation is still running', false)
  .action(async (id: string, o: { force: boolean }) => {
    const c = await connected(true);
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

/** The relocation control commands share their shape: act, then show the record. */
function controlCommand(name: string, description: string, act: typeof pauseRelocation): void {
  program
    .command(name)
    .description(description)
    .argument('<relocation-id>')
    .option('--json', 'print the relocation record as JSON', false)
    .action(async (id: string, o: { json: boolean }) => {
      const c = await connected(true);
      try {
        const record = await act(c, id);
        if (o.json) process.stdout.write(`${JSON.stringify(record)}\n`);
        else printRelocationRecord(record);
      } finally {
        await disconnect(c);
      }
    });
}
controlCommand('pause', 'stages stop taking the relocation\'s records at the next one (other relocations on the same partitions wait too)', pauseRelocation);
controlCommand('resume', 'stages take a paused relocation\'s records again, from where they stopped', resumeRelocation);
controlCommand('cancel', 'stages skip the relocation\'s remaining records; its organizations stay hidden', cancelRelocation);

program
  .command('retry')
  .description('re-run a failed relocation from the stage where it failed: its records parked in that stage\'s DLQ go back to the stage')
  .argument('<relocation-id>')
  .option('--json', 'print what was replayed as JSON', false)
  .action(async (id: string, o: { json: boolean }) => {
    const c = await connected(true);
    try {
      const results = await retryRelocation(c, id);
      if (o.json) process.stdout.write(`${JSON.stringify(results)}\n`);
      else for (const r of results) process.stdout.write(`relocation ${id}: ${r.records} records of ${r.stage}'s DLQ sent back to ${r.stage}\n`);
    } finally {
      await disconnect(c);
    }
  });

program
  .command('replay')
  .description("send a stage's DLQ records back to its input (--from-dlq), or rewind the stage to a relocation's first record")
  .requiredOption('--stage <stage>', `the stage: ${stageNames.join(', ')}`)
  .option('--relocation <id>', 'only this relocation (required to rewind)')
  .option('--from-dlq', "re-send the stage's DLQ records instead of rewinding its offsets", false)
  .option('--json', 'print what was replayed as JSON', false)
  .action(async (o: { stage: string; relocation?: string; fromDlq: boolean; json: boolean }) => {
    const stage = parseStage(o.stage);
    if (!o.fromDlq && o.relocation === undefined) throw new InvalidArgumentError('a rewind goes back to one relocation\'s first record: give --relocation <id>, or --from-dlq');
    const c = await connected(true);
    try {
      const result = o.fromDlq ? await replayFromDlq(c, stage, o.relocation) : await rewindToRelocation(c, stage, o.relocation as string);
      if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else if (result.mode === 'dlq') process.stdout.write(`${result.records} DLQ records of ${result.relocations.length} relocation(s) sent back to ${stage}\n`);
      else process.stdout.write(`${stage} rewound to partition ${result.partition} offset ${result.offset}, the first record of relocation ${o.relocation}; start the stage to re-run it\n`);
    } finally {
      await disconnect(c);
    }
  });

const positiveSeconds = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number of seconds');
  return n;
};

program
  .command('lag')
  .description('per stage and partition: committed offset, log-end offset, lag, time lag and a Burrow status (OK, WARN, STALL, STOP, REWIND)')
  .option('--watch', 'sample again every --interval until interrupted; WARN and REWIND need a few samples', false)
  .option('--interval <seconds>', 'seconds between samples with --watch', positiveSeconds, 2)
  .option('--json', 'one JSON report per line', false)
  .action(async (o: { watch: boolean; interval: number; json: boolean }) => {
    const c = await connected(true);
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

program
  .command('dashboard')
  .description('serve a status page: relocations, and per-stage lag over time')
  .option('--port <port>', 'port on 127.0.0.1 (0: any free port)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number');
    return n;
  }, 8090)
  .option('--interval <seconds>', 'seconds between lag samples', positiveSeconds, 2)
  .action(async (o: { port: number; interval: number }) => {
    const c = await connected(true);
    const dashboard = await startDashboard(c, { port: o.port, sampleMs: o.interval * 1000 });
    process.stderr.write(`dashboard on http://127.0.0.1:${dashboard.port}/\n`);
    stopOnSignals(async () => {
      await dashboard.stop();
      await disconnect(c);
    }, c.log);
  });

const stack = program.command('stack').description('the native local stack: Kafka, Apicurio Registry, PostgreSQL');
stack.command('up').description('start what is not running and wait until every part answers').action(async () => {
  const e = await stackUp();
  process.stdout.write(`${JSON.stringify(e)}\n`);
});
stack.command('down').description('stop Kafka and the registry (never PostgreSQL) and remove their data').action(async () => stackDown());
stack.command('stop').argument('<part>', 'kafka or schema-registry').description('stop one part and keep its data; `stack up` restarts it')
  .action(async (part: string) => {
    if (part !== 'kafka' && part !== 'schema-registry') program.error(`stack stop takes kafka or schema-registry, got ${part}`, { exitCode: 2 });
    else await stackStopPart(part);
  });
stack.command('status').description('what runs, where, and which versions').action(async () => {
  for (const p of await stackStatus()) process.stdout.write(`${p.name.padEnd(16)} ${p.up ? 'up  ' : 'down'} ${p.detail}\n`);
});

program.showHelpAfterError();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`relocate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
