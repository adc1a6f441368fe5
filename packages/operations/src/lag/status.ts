/**
 * A partition's status in Burrow's vocabulary, from what was observed of it over a window of samples:
 * OK, WARN (committing, but the lag grows), STALL (committing, but the offset does not move while there is lag),
 * STOP (not committing while there is lag), REWIND (the committed offset went back).
 */
export type LagStatus = 'OK' | 'WARN' | 'STALL' | 'STOP' | 'REWIND';

export interface Observation {
  at: number;
  /** null when the group has no committed offset for the partition. */
  committedOffset: number | null;
  logEndOffset: number;
  logStartOffset: number;
  /** When the stage last committed, and when its offset last moved, from the commit's metadata (null if unknown). */
  committedAt: number | null;
  advancedAt: number | null;
  /** Whether a live member of the group owns the partition. */
  owned: boolean;
}

export const lagOf = (o: Observation): number => o.committedOffset === null ? o.logEndOffset - o.logStartOffset : Math.max(0, o.logEndOffset - o.committedOffset);

/** Worst first, for summing a stage up. */
export const severity: Record<LagStatus, number> = { STOP: 4, STALL: 3, REWIND: 2, WARN: 1, OK: 0 };

/**
 * Burrow's rules, in order, over observations oldest first. A commit older than stopAfterMs means the stage is
 * not committing (stages commit idle partitions every interval); an offset unmoved for as long means it commits
 * without progress. A partition no live member owns is not being consumed at all.
 */
export function evaluate(window: Observation[], now: number, stopAfterMs: number): LagStatus {
  const last = window[window.length - 1];
  if (!last) return 'OK';
  for (let i = 1; i < window.length; i++) {
    const a = window[i - 1]?.committedOffset;
    const b = window[i]?.committedOffset;
    if (a !== null && a !== undefined && b !== null && b !== undefined && b < a) return 'REWIND';
  }
  const lag = lagOf(last);
  if (lag === 0) return 'OK';
  // No live member owns it: nothing is consuming it, however recent the last commit.
  if (!last.owned) return 'STOP';
  if (last.committedOffset === null) return 'OK';
  // Owned, but the owner has not committed for a while (a killed consumer stays a member until its session ends).
  if (last.committedAt !== null && now - last.committedAt > stopAfterMs) return 'STOP';
  if (last.advancedAt !== null) {
    if (now - last.advancedAt > stopAfterMs) return 'STALL';
  } else {
    const first = window[0];
    if (first && window.length > 1 && last.at - first.at > stopAfterMs && first.committedOffset === last.committedOffset) return 'STALL';
  }
  if (window.length >= 3) {
    const lags = window.map(lagOf);
    const growing = lags.every((l, i) => i === 0 || l >= (lags[i - 1] as number)) && (lags[lags.length - 1] as number) > (lags[0] as number);
    const moving = (window[0]?.committedOffset ?? 0) < (last.committedOffset ?? 0);
    if (growing && moving) return 'WARN';
  }
  return 'OK';
}
