import { randomUUID } from 'node:crypto';
import { stageNames } from '@relocate/codec';
import { buildSummary, failRelocation, getRelocation, recordFindings, restartRelocation, startRelocation, type RelocationSummary } from '@relocate/database';
import type { ImportOptions } from '@relocate/codec';
import { describeFinding, type Finding } from '@relocate/domain';
import { publishRelocationEvent } from '@relocate/operations';
import { type Connections, hostStages } from './host.ts';
import { submitRelocation, type Submission } from './submit.ts';
import { liveStages, type Progress, waitForRelocation } from './wait.ts';

export interface ImportRun { summary: RelocationSummary; hostedStages: string[] }

/**
 * `relocate import`: submits the export and waits for its result. Stages with no live consumer anywhere are
 * hosted in this process until the relocation ends, so one machine needs nothing else running.
 */
export async function runImport(
  c: Connections,
  s: Omit<Submission, 'relocationId'> & { relocationId?: string | undefined },
  opts: { onProgress?: (p: Progress) => void; timeoutMs?: number } = {},
): Promise<ImportRun> {
  const relocationId = s.relocationId ?? randomUUID();
  // Recorded before submitting, so waiting never mistakes an earlier run's result for this one's.
  if (await getRelocation(c.pool, relocationId)) await restartRelocation(c.pool, relocationId);
  else await startRelocation(c.pool, relocationId, s.options);
  const live = await liveStages(c);
  const missing = stageNames.filter((n) => !live.includes(n));
  const hosted = missing.length > 0 ? await hostStages(c, missing) : undefined;
  try {
    // Every stage of this run starts pending in the relocation record, before any of its records flows.
    await publishRelocationEvent(c, { relocationId, type: 'STARTED', at: Date.now(), summary: '' });
    const chunks = await submitRelocation(c, { ...s, relocationId });
    c.log.info({ relocationId, chunks, hostedStages: missing }, 'relocation submitted');
    const onProgress = opts.onProgress;
    const summary = await waitForRelocation(c, relocationId, onProgress && ((p) => onProgress({ ...p, chunks })), opts.timeoutMs ?? 0);
    return { summary, hostedStages: missing };
  } finally {
    await hosted?.stop();
  }
}

/**
 * Records a relocation that failed before anything was submitted (say, an export that could not be decrypted),
 * so it has a record and a finding like any other failure.
 */
export async function rejectSubmission(
  c: Connections, relocationId: string | undefined, options: ImportOptions, finding: Omit<Finding, 'relocationId' | 'stage' | 'severity'>,
): Promise<RelocationSummary> {
  const id = relocationId ?? randomUUID();
  if (await getRelocation(c.pool, id)) await restartRelocation(c.pool, id);
  else await startRelocation(c.pool, id, options);
  const full: Finding = { relocationId: id, stage: 'submit', severity: 'error', ...finding };
  await recordFindings(c.pool, [full]);
  await failRelocation(c.pool, id, describeFinding(full));
  const summary = await buildSummary(c.pool, id);
  await c.pool.query('UPDATE relocate.relocation SET summary = $2, completed_at = now() WHERE id = $1', [id, summary]);
  return summary;
}
