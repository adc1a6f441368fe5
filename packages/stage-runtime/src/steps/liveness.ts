/**
 * Heartbeats on a timer while work runs. kafkajs heartbeats only between fetches and when the handler calls
 * heartbeat(); a record that takes longer than the session (a lock, a slow disk, a large collision check) would
 * otherwise cost the stage its membership, and the broker would hand its partitions to someone else mid-record.
 * A failed heartbeat (a rebalance in progress, say) is reported, not thrown: the next heartbeat between records
 * raises it where kafkajs can rejoin.
 */
export async function keepingAlive<T>(
  heartbeat: () => Promise<void>, intervalMs: number, work: () => Promise<T>, onError: (err: unknown) => void,
): Promise<T> {
  let beating: Promise<void> | undefined;
  const timer = setInterval(() => {
    // One heartbeat in flight at a time: a slow coordinator does not pile them up.
    beating ??= heartbeat().catch(onError).finally(() => (beating = undefined));
  }, intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * A tenth of the session: several heartbeats may be lost before the broker gives up on the member, and a member
 * hears of a rebalance (in a heartbeat's answer) soon, so a group of several consumers settles fast.
 */
export function heartbeatIntervalFor(sessionTimeoutMs: number): number {
  return Math.max(500, Math.floor(sessionTimeoutMs / 10));
}
