import type { Command } from 'commander';
import { loadConfig } from '@relocate/config';
import { createPool, migrate } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { ensureDatabase } from '@relocate/native-stack';
import { type ImportPlan, planImport, PlanReport } from '@relocate/plan';
import { usesDefaultStack } from '../connect.ts';
import { type DecryptedExport, DecryptionError, decryptToFile } from '../encryption.ts';
import { withHelp } from '../help.ts';
import { type ImportFlags, importOptionsOf, withImportFlags } from '../import-flags.ts';
import { printPlan } from '../plan-output.ts';

/**
 * `relocate plan <export> [the import's flags]`: what the import would do, against the database as it is, with
 * nothing kept. It needs PostgreSQL only: no Kafka, no registry, no stage.
 */
export function planCommand(program: Command): void {
  const cmd = withImportFlags(program
    .command('plan')
    .description('dry run: every decision the import would make against the current database, with nothing written; exits 0 if it would succeed')
    .argument('<export.json>', 'Sentry export: a JSON array of models'))
    .action(async (exportPath: string, o: ImportFlags) => {
      const config = loadConfig();
      if (usesDefaultStack()) await ensureDatabase(config.databaseUrl);
      const pool = createPool(config, 2);
      let decrypted: DecryptedExport | undefined;
      try {
        await migrate(pool);
        let plan: ImportPlan | undefined;
        try {
          decrypted = o.decryptWith ? await decryptToFile(exportPath, o.decryptWith) : undefined;
        } catch (err) {
          if (!(err instanceof DecryptionError)) throw err;
          const rejected = new PlanReport();
          rejected.finding({ stage: 'submit', severity: 'error', kind: 'DecryptionFailed', model: null, pk: null, field: null, reason: `${exportPath}: ${err.message}` });
          plan = rejected.result();
        }
        plan ??= await planImport(
          { pool, graph: ModelGraph.load(), site: { urlPrefix: config.sentryUrlPrefix }, batchRecords: config.batchRecords, batchBytes: config.batchBytes },
          { exportPath: decrypted?.path ?? exportPath, eventsPath: o.events, options: importOptionsOf(o) },
        );
        printPlan(plan, o.json);
        process.exitCode = plan.status === 'would-succeed' ? 0 : 1;
      } finally {
        await decrypted?.dispose();
        await pool.end();
      }
    });
  withHelp(cmd, [
    'relocate plan examples/acme-export.json --events examples/acme-events.ndjson',
    'relocate plan export.json --merge-users --filter-org-slugs acme --json',
  ], 'Planning an import');
}
