import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { stageNames } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { relocationView } from '@relocate/operations';
import { disconnect, ImportInterrupted, type Progress, rejectSubmission, runImport } from '@relocate/pipeline';
import { terminalOf } from '../cli-context.ts';
import { connected } from '../connect.ts';
import { type DecryptedExport, DecryptionError, decryptToFile } from '../encryption.ts';
import { writeFindings } from '../findings-file.ts';
import { withHelp } from '../help.ts';
import { type ImportFlags, importOptionsOf, withImportFlags } from '../import-flags.ts';
import { StageProgressBars } from '../progress-bars.ts';
import { printSummary } from '../summary.ts';

type ImportCommandFlags = ImportFlags & { findingsFile?: string; relocationId?: string; timeout: number };

/** A path as a person would type it from here. */
const shown = (p: string): string => (path.relative(process.cwd(), p).startsWith('..') ? p : path.relative(process.cwd(), p));

export function importCommand(program: Command): void {
  const cmd = withImportFlags(program
    .command('import')
    .description('submit an export, run it through every stage, and wait for the result')
    .argument('<export.json>', 'Sentry export: a JSON array of models'))
    .option('--relocation-id <id>', 'run under this id (again, to re-run a relocation); default: a new UUID')
    .option('--timeout <seconds>', 'give up waiting after this long (the relocation keeps running)', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('a number of seconds');
      return n;
    }, 0)
    .option('--findings-file <path>', 'also write the findings as JSON to this file')
    .action((exportPath: string, o: ImportCommandFlags) => runImportCommand(program, exportPath, o));
  withHelp(cmd, [
    'relocate import examples/acme-export.json --events examples/acme-events.ndjson',
    'relocate import export.tar --decrypt-with private.pem --filter-org-slugs acme --merge-users --json',
  ], 'Using it');
}

async function runImportCommand(program: Command, exportPath: string, o: ImportCommandFlags): Promise<void> {
  const terminal = terminalOf(program);
  const relocationId = o.relocationId ?? randomUUID();
  const c = await connected(terminal, relocationId, o.json);
  const options = importOptionsOf(o);
  let decrypted: DecryptedExport | undefined;
  // Bars only for a person at a terminal; --json and pipes get the plain result.
  const bars = !o.json && process.stdout.isTTY === true;
  let progress: StageProgressBars | undefined;
  // Stopping twice would draw the bars again over what follows them.
  const stopBars = (): void => {
    progress?.stop();
    progress = undefined;
    terminal.drawing(undefined);
  };
  try {
    let summary: RelocationSummary;
    try {
      decrypted = o.decryptWith ? await decryptToFile(exportPath, o.decryptWith) : undefined;
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
      summary = await rejectSubmission(c, relocationId, options, { kind: 'DecryptionFailed', model: null, pk: null, field: null, reason: `${exportPath}: ${err.message}` });
    }
    const submitted = decrypted?.path ?? exportPath;
    const files = { chunkBytes: c.config.chunkBytes, sizes: [submitted, ...(o.events ? [o.events] : [])].map((f) => statSync(f).size) };
    const onProgress = (p: Progress): void => {
      if (!bars) {
        if (!o.json) process.stderr.write(`relocating: ${p.records} records written, ${p.events} events saved, ${p.findings} findings${p.paused ? ' (paused)' : ''}\n`);
        return;
      }
      if (!progress) {
        progress = new StageProgressBars(stageNames, files);
        terminal.drawing(progress);
      }
      progress.update(p);
    };
    summary ??= (await runImport(c, { relocationId, exportPath: submitted, eventsPath: o.events, options }, {
      timeoutMs: o.timeout * 1000, onProgress, notice: terminal.notice, handleSignals: true,
    })).summary;
    if (progress) {
      // The bars end as the record does, however short the relocation was.
      const final = await relocationView(c.pool, summary.relocationId);
      if (final) progress.update({ records: 0, events: 0, findings: 0, paused: false, stages: final.stages, chunks: 0 });
      stopBars();
    }
    const findingsPath = writeFindings(summary, { file: o.findingsFile, dir: c.config.findingsDir });
    printSummary(summary, o.json, { findingsPath, logPath: terminal.logFile && shown(terminal.logFile) });
    process.exitCode = summary.status === 'success' ? 0 : 1;
  } catch (err) {
    // The stages hosted here stopped cleanly, and runImport said how the relocation goes on.
    if (!(err instanceof ImportInterrupted)) throw err;
    process.exitCode = 130;
  } finally {
    stopBars();
    await decrypted?.dispose();
    await disconnect(c);
  }
}
