import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { stageNames, type StageName } from '@relocate/codec';
import { loadConfig } from '@relocate/config';
import { abortRelocation, buildSummary, failRelocation, getRelocation, type RelocationSummary, withTransaction } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { createLogger } from '@relocate/logging';
import { stackDown, stackStatus, stackUp } from '@relocate/native-stack';
import { connect, disconnect, hostStages, rejectSubmission, runImport, stopOnSignals } from '@relocate/pipeline';
import { type DecryptedExport, DecryptionError, decryptToFile, encryptFile } from './encryption.ts';
import { printSummary } from './output.ts';

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
    filterOrgSlugs?: string[]; filterUsernames?: string[]; relocationId?: string; timeout: number; json: boolean;
  }) => {
    const c = await connected(o.json);
    const options = {
      scope: o.scope.toUpperCase() as 'USER' | 'ORGANIZATION' | 'CONFIG' | 'GLOBAL',
      mergeUsers: o.mergeUsers,
      overwriteConfigs: o.overwriteConfigs,
      hideOrganizations: o.hideOrganizations,
      filterOrgSlugs: o.filterOrgSlugs ?? null,
      filterUsernames: o.filterUsernames ?? null,
    };
    let decrypted: DecryptedExport | undefined;
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
        onProgress: (p) => process.stderr.write(`relocating: ${p.records} records written, ${p.events} events saved, ${p.findings} findings\n`),
      })).summary;
      if (o.findingsFile) {
        await writeFile(o.findingsFile, `${JSON.stringify({ relocationId: summary.relocationId, status: summary.status, findings: summary.findings }, null, 2)}\n`);
        process.stderr.write(`findings written to ${o.findingsFile}\n`);
      }
      printSummary(summary, o.json);
      process.exitCode = summary.status === 'success' ? 0 : 1;
    } finally {
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
  .description("show a relocation's result or progress")
  .argument('<relocation-id>')
  .option('--json', 'print JSON', false)
  .action(async (id: string, o: { json: boolean }) => {
    const c = await connected(true);
    try {
      const r = await getRelocation(c.pool, id);
      if (!r) throw new InvalidArgumentError(`no relocation ${id}`);
      const summary = r.summary ?? { ...(await buildSummary(c.pool, id)), status: r.status };
      printSummary(summary, o.json);
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

const stack = program.command('stack').description('the native local stack: Kafka, Apicurio Registry, PostgreSQL');
stack.command('up').description('start what is not running and wait until every part answers').action(async () => {
  const e = await stackUp();
  process.stdout.write(`${JSON.stringify(e)}\n`);
});
stack.command('down').description('stop Kafka and the registry (never PostgreSQL)').action(async () => stackDown());
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
