import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { buildSummary, failWithFinding, getRelocation, restartRelocation, startRelocation, type RelocationSummary } from '@relocate/database';
import type { ImportOptions } from '@relocate/codec';
import type { Finding } from '@relocate/domain';
import { publishRelocationEvent, relocationView } from '@relocate/operations';
import type { Connections } from '@relocate/stage-host';
import { type Notice, StageHosting } from './hosting.ts';
import { ImportInterrupted, onInterrupt } from './interrupt.ts';
import { explainStall, fingerprintOf, StallWatch } from './stall.ts';
import { submitRelocation, type Submission } from './submit.ts';
import { type Progress, waitForRelocation } from './wait.ts';

export interface ImportRun { summary: RelocationSummary; hostedStages: string[] }

export interface ImportWatchOptions {
  onProgress?: (p: Progress) => void;
  timeoutMs?: number;
  /** Where the human lines go: hosting decisions, restarts, why nothing moves, how an interrupt left things. */
  notice?: Notice;
  /** Stop cleanly on SIGINT, SIGTERM and SIGHUP (the CLI); a second signal exits at once. */
  handleSignals?: boolean;
  /** false: never host a stage here, only submit and wait (tests whose stages run in processes under test). */
  hostStages?: boolean;
  /** How often hosting is decided again; default 2 s. */
  decideEveryMs?: number;
}

/** Writes a notice line to stderr; a terminal that went away (SIGHUP) must not turn a clean stop into a crash. */
export const stderrNotice: Notice = (line) => {
  if (process.stderr.listenerCount('error') === 0) process.stderr.on('error', () => undefined);
  process.stderr.write(`${line}\n`);
};

/**
 * `relocate import`: submits the export and watches it to its result. Which stages to host here is decided again
 * and again: a stage whose group has no live member is hosted in this process until the relocation ends, so one
 * machine needs nothing else running, and a dead process's stages are taken up once the broker drops its members.
 * A relocation that does not move for config.stallNoticeMs is explained in words. On a signal the hosted stages
 * stop cleanly and the relocation goes on from Kafka (ImportInterrupted is thrown).
 */
export async function runImport(
  c: Connections,
  s: Omit<Submission, 'relocationId'> & { relocationId?: string | undefined },
  opts: ImportWatchOptions = {},
): Promise<ImportRun> {
  const relocationId = s.relocationId ?? randomUUID();
  const notice = opts.notice ?? ((line: string) => c.log.info({ relocationId }, line));
  // Recorded before submitting, so waiting never mistakes an earlier run's result for this one's.
  if (await getRelocation(c.pool, relocationId)) await restartRelocation(c.pool, relocationId);
  else await startRelocation(c.pool, relocationId, s.options);
  const interrupt = new AbortController();
  const stopListening = opts.handleSignals ? onInterrupt((signal) => {
    notice(`${signal}: stopping the stages this process hosts (finishing or abandoning the record in hand, committing, leaving their groups); press Ctrl-C again to exit at once`);
    interrupt.abort(signal);
  }) : () => undefined;
  const hosting = new StageHosting(c, notice, opts.hostStages ?? true);
  const hostedStages: string[] = [];
  let interruptedBy: string | undefined;
  let watch: { stop(): Promise<void> } | undefined;
  try {
    hostedStages.push(...(await hosting.decide()));
    // From here on, on its own timer beside everything else: a wait for the record's projector (whose group may
    // still list a dead process's members) or one blocked on the database (a lock on the counts it reads) must not
    // be silent, and a group that empties must be taken up.
    watch = watchRelocation(c, relocationId, hosting, notice, hostedStages, opts.decideEveryMs ?? 2_000);
    // Every stage of this run starts pending in the relocation record, before any of its records flows.
    await publishRelocationEvent(c, { relocationId, type: 'STARTED', at: Date.now(), summary: '' });
    const chunks = await submitRelocation(c, { ...s, relocationId });
    c.log.info({ relocationId, chunks, hostedStages }, 'relocation submitted');
    const onProgress = opts.onProgress;
    interrupt.signal.throwIfAborted();
    const waiting = waitForRelocation(c, relocationId, onProgress && ((p) => onProgress({ ...p, chunks })), opts.timeoutMs ?? 0, 250, 1_000, { signal: interrupt.signal });
    // An interrupt does not wait for a poll in hand (one blocked behind a lock, say).
    waiting.catch(() => undefined);
    const interrupted = new Promise<never>((_, reject) => interrupt.signal.addEventListener('abort', () => reject(interrupt.signal.reason), { once: true }));
    interrupted.catch(() => undefined);
    const summary = await Promise.race([waiting, interrupted]);
    return { summary, hostedStages };
  } catch (err) {
    if (!interrupt.signal.aborted) throw err;
    interruptedBy = String(interrupt.signal.reason);
    throw new ImportInterrupted(relocationId, interruptedBy);
  } finally {
    await watch?.stop();
    await hosting.stop();
    stopListening();
    if (interruptedBy) {
      notice(`stopped the stages this process hosted${hostedStages.length > 0 ? ` (${hostedStages.join(', ')})` : ''}; relocation ${relocationId} goes on from Kafka`);
      notice(`  watch it: relocate status ${relocationId}`);
      notice('  finish it: relocate run (hosts every stage until stopped), or run the stage services');
    }
  }
}

/**
 * Every tick: decide again which stages to host (every decideEveryMs), and tell when the relocation has not moved
 * for config.stallNoticeMs, and why; and when it moves again.
 */
function watchRelocation(c: Connections, relocationId: string, hosting: StageHosting, notice: Notice, hostedStages: string[], decideEveryMs: number): { stop(): Promise<void> } {
  const stall = new StallWatch(c.config.stallNoticeMs);
  const seconds = Math.round(c.config.stallNoticeMs / 1000);
  let decidedAt = Date.now();
  const tick = async (): Promise<void> => {
    if (Date.now() - decidedAt >= decideEveryMs) {
      decidedAt = Date.now();
      hostedStages.push(...(await hosting.decide()));
    }
    const view = await relocationView(c.pool, relocationId);
    const seen = stall.observe(fingerprintOf(view));
    if (seen === 'moving again') notice(`relocation ${relocationId} is moving again`);
    if (seen === 'stalled') {
      const why = await explainStall(c, view, relocationId, hosting, c.config.stallNoticeMs)
        .catch((err: unknown) => [`finding out why failed: ${err instanceof Error ? err.message : String(err)}`]);
      notice(`relocation ${relocationId}: no progress for ${seconds} s`);
      for (const line of why) notice(`  ${line}`);
    }
  };
  const stopped = new AbortController();
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      await tick().catch((err: unknown) => c.log.warn({ err }, 'watching the relocation failed; trying again'));
      await sleep(Math.min(1_000, decideEveryMs), undefined, { signal: stopped.signal }).catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      stopped.abort();
      await loop;
    },
  };
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
  await failWithFinding(c.pool, full);
  const summary = await buildSummary(c.pool, id);
  await c.pool.query('UPDATE relocate.relocation SET summary = $2, completed_at = now() WHERE id = $1', [id, summary]);
  return summary;
}
