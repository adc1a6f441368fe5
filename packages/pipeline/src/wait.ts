import { setTimeout as sleep } from 'node:timers/promises';
import { buildSummary, getRelocation, type RelocationSummary } from '@relocate/database';
import { withRetry } from '@relocate/stage-runtime';
import { relocationView, type StageView } from '@relocate/operations';
import type { Connections } from '@relocate/stage-host';

const failureGraceMs = 60_000;

export interface Progress {
  records: number; events: number; findings: number; paused: boolean; stages: StageView[];
  /** Export and events chunks submitted: what the reader takes in. */
  chunks?: number;
}

async function progressOf(c: Connections, relocationId: string): Promise<Progress> {
  const { rows } = await c.pool.query<{ records: number; events: number; findings: number }>(
    `SELECT (SELECT count(*)::int FROM relocate.pk_map WHERE relocation_id = $1) AS records,
            (SELECT count(*)::int FROM relocate.saved_event WHERE relocation_id = $1) AS events,
            (SELECT count(*)::int FROM relocate.finding WHERE relocation_id = $1) AS findings`,
    [relocationId],
  );
  const view = await relocationView(c.pool, relocationId);
  return { ...(rows[0] ?? { records: 0, events: 0, findings: 0 }), paused: view?.paused ?? false, stages: view?.stages ?? [] };
}

/**
 * Waits until the relocation succeeds, fails or is cancelled, reporting progress every progressMs to onProgress
 * when there is one (progress counts the relocation's rows, a cost that grows with the export: not for nobody).
 */
export interface WaitHooks {
  /** Waiting ends (throwing) when this aborts. */
  signal?: AbortSignal;
}

export async function waitForRelocation(
  c: Connections, relocationId: string, onProgress: ((p: Progress) => void) | undefined, timeoutMs = 0, pollMs = 250, progressMs = 1_000,
  hooks: WaitHooks = {},
): Promise<RelocationSummary> {
  const started = Date.now();
  let lastReport = 0;
  let failedAt: number | undefined;
  for (;;) {
    // PostgreSQL restarting is waited out: the relocation goes on meanwhile.
    const r = await withRetry(() => getRelocation(c.pool, relocationId), { maxRetries: 0, baseMs: pollMs }, (err) => c.log.warn({ err }, 'reading the relocation record failed; retrying'));
    // A relocation has ended when its end marker passed the last stage (completed_at), which also removes a
    // failed relocation's rows. A failure parked at a stage waits there for a retry: that is the result for now.
    // A failure whose end never arrives (its end marker was lost) ends after a grace.
    if (r?.completed_at && r.summary) return r.summary;
    if (r?.status === 'cancelled') return { ...(await buildSummary(c.pool, relocationId)), status: 'cancelled', reason: r.reason };
    if (r?.status === 'failure') {
      if (await isParked(c, relocationId)) return buildSummary(c.pool, relocationId);
      failedAt ??= Date.now();
      if (Date.now() - failedAt > failureGraceMs) return buildSummary(c.pool, relocationId);
    }
    if (onProgress && Date.now() - lastReport > progressMs) {
      lastReport = Date.now();
      onProgress(await progressOf(c, relocationId));
    }
    if (timeoutMs > 0 && Date.now() - started > timeoutMs) {
      throw new Error(`relocation ${relocationId} did not finish within ${Math.round(timeoutMs / 1000)} s; it keeps running: see \`relocate status ${relocationId}\``);
    }
    hooks.signal?.throwIfAborted();
    await sleep(pollMs, undefined, hooks.signal ? { signal: hooks.signal } : {});
  }
}

async function isParked(c: Connections, relocationId: string): Promise<boolean> {
  const { rowCount } = await c.pool.query('SELECT 1 FROM relocate.parked_relocation WHERE relocation_id = $1', [relocationId]);
  return (rowCount ?? 0) > 0;
}
