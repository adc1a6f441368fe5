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
 * How a consumer of ours sits in its group. A heartbeat every second: several may be lost before the broker gives
 * up on the member (the session is 30 s by default), and a member hears of a rebalance in a heartbeat's answer, so
 * a group whose consumers join one after another (a process starting five stages) settles within a second or so
 * of the last join, not a tenth of the session later. An idle fetch waits at the broker half a second at most
 * (kafkajs: 5 s), because a stop waits for the fetch in flight, and every `relocate import` ends with a stop.
 */
export function groupMembership(sessionTimeoutMs: number): { sessionTimeout: number; heartbeatInterval: number; maxWaitTimeInMs: number } {
  return { sessionTimeout: sessionTimeoutMs, heartbeatInterval: heartbeatIntervalFor(sessionTimeoutMs), maxWaitTimeInMs: 500 };
}

/** A second, or a third of a short session. */
export function heartbeatIntervalFor(sessionTimeoutMs: number): number {
  return Math.max(200, Math.min(1_000, Math.floor(sessionTimeoutMs / 3)));
}
