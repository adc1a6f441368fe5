import type { Command } from 'commander';
import { loadConfig } from '@relocate/config';
import { createPool } from '@relocate/database';
import { ModelGraph } from '@relocate/domain';
import { type Mismatch, verifyRelocation, type VerifyResult } from '@relocate/verify';
import { withHelp } from '../help.ts';

/**
 * `relocate verify`: audits a relocation against its export, field by field; exits 1 on any mismatch. It reads
 * only PostgreSQL and the files, so it needs neither Kafka nor the registry, and writes nothing.
 */
export function verifyCommand(program: Command): void {
  const cmd = program
    .command('verify')
    .description("audit a relocation against its export: every record accounted for, every field as the import's rules allow, every event saved once")
    .argument('<relocation-id>')
    .requiredOption('--export <export.json>', 'the export the relocation imported (read again as a stream)')
    .option('--events <events.ndjson>', 'the events file it imported')
    .option('--json', 'print the result as one JSON object on the last line of stdout', false)
    .action(async (relocationId: string, o: { export: string; events?: string; json: boolean }) => {
      const pool = createPool(loadConfig(), 1);
      try {
        const result = await verifyRelocation(pool, ModelGraph.load(), { relocationId, exportPath: o.export, eventsPath: o.events });
        printVerification(relocationId, result, o.json);
        process.exitCode = result.ok ? 0 : 1;
      } finally {
        await pool.end();
      }
    });
  withHelp(cmd, [
    'relocate verify 6f1c0a2e-… --export examples/acme-export.json --events examples/acme-events.ndjson',
    'relocate verify 6f1c0a2e-… --export export.json --json',
  ], 'Verifying a relocation');
}

function printVerification(relocationId: string, r: VerifyResult, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: r.ok, checked: r.checked, mismatches: r.mismatches })}\n`);
    return;
  }
  const lines = [`relocation ${relocationId}: ${r.ok ? 'verified' : `${r.mismatchCount} mismatches`} (${r.checked} records and events checked)`];
  const byModel = new Map<string, Mismatch[]>();
  for (const m of r.mismatches) (byModel.get(m.model ?? '(relocation)') ?? byModel.set(m.model ?? '(relocation)', []).get(m.model ?? '(relocation)'))?.push(m);
  for (const [model, ms] of [...byModel].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${model}`);
    for (const m of ms) {
      lines.push(`    pk ${m.pk ?? '-'}  ${m.field ?? '(record)'}: expected ${show(m.expected)}, actual ${show(m.actual)} (${m.reason})`);
    }
  }
  if (r.mismatchCount > r.mismatches.length) lines.push(`  ... ${r.mismatchCount - r.mismatches.length} more not listed`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
