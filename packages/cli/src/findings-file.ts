import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RelocationSummary } from '@relocate/database';

/** Writes every finding of a relocation to --findings-file, or to <dir>/<relocation-id>.json, and returns the path. */
export function writeFindings(summary: RelocationSummary, where: { file?: string | undefined; dir?: string | undefined }): string {
  const folder = where.dir ?? path.join(tmpdir(), 'relocate-findings');
  if (!where.file) mkdirSync(folder, { recursive: true });
  const file = where.file ?? path.join(folder, `${summary.relocationId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  writeFileSync(file, `${JSON.stringify(summary.findings.map((f) => ({ relocationId: summary.relocationId, ...f })), null, 2)}\n`);
  return file;
}
