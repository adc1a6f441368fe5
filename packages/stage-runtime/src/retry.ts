import { BadInputError } from '@relocate/domain';

/**
 * A record needs what an upstream stage has yet to write: the event saver holds events whose projects the writer
 * has not reached. It is waited for as an outage is, tried again until it is there or the stage stops, and never
 * sent to a DLQ; the tries come often, so that the record goes on soon after.
 */
export class UpstreamPending extends Error {
  override name = 'UpstreamPending';
  readonly retriable = true;
}

/** Whether trying again may succeed: bad input never does; infrastructure hiccups usually do. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof BadInputError) return false;
  if (err instanceof Error && 'retriable' in err && typeof err.retriable === 'boolean') return err.retriable;
  const code = err instanceof Error && 'code' in err ? String(err.code) : '';
  // PostgreSQL: connection exceptions, serialization failures, deadlocks, admin shutdown, too many connections.
  if (/^(08|40|53|57P)/.test(code)) return true;
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND)$/.test(code)) return true;
  return err instanceof Error && /connect|timeout|terminat|ECONN|socket|not available|coordinator/i.test(err.message);
}

/**
 * Whether a dependency did not answer at all: a refused or dropped connection, a database shutting down or
 * starting, a broker with no leader. Such a failure says nothing about the record, so it is retried for as long
 * as the outage lasts and never sends a record to a DLQ.
 */
export function isOutage(err: unknown): boolean {
  if (err instanceof BadInputError) return false;
  if (err instanceof UpstreamPending) return true;
  // Our own errors say when retrying is futile. kafkajs marks as non-retriable what its retrier gave up on,
  // even a broker that refused the connection: there its message and cause tell.
  if (err instanceof Error && !err.name.startsWith('KafkaJS') && 'retriable' in err && err.retriable === false) return false;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = 'code' in e ? String(e.code) : '';
    // PostgreSQL: connection exceptions; admin, crash shutdown; cannot connect now (starting up).
    if (/^(08...|57P01|57P02|57P03)$/.test(code)) return true;
    if (/^(ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENOTCONN)$/.test(code)) return true;
    if (/KafkaJSConnection|KafkaJSBrokerNotFound|KafkaJSRequestTimeout/.test(e.name)) return true;
    if (/ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down)|not available|no leader|Closed connection|Connection error/i.test(e.message)) return true;
  }
  return false;
}

export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  /** While false, an outage is waited out beyond maxRetries (say, until the stage stops). */
  giveUp?: () => boolean;
}

/** The longest wait between two tries while a dependency is away: it is noticed soon once it is back. */
const outageMaxDelayMs = 5_000;
/** The longest wait for an upstream stage: a batch of the writer's takes about this long. */
const pendingMaxDelayMs = 250;

export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const outage = isOutage(err) && !(policy.giveUp?.() ?? false);
      if (!outage && (attempt >= policy.maxRetries || !isRetriable(err))) throw err;
      const cap = err instanceof UpstreamPending ? pendingMaxDelayMs : outage ? outageMaxDelayMs : 30_000;
      const delayMs = Math.min(cap, policy.baseMs * 2 ** Math.min(attempt, 20)) * (0.5 + Math.random() / 2);
      onRetry(err, attempt + 1, delayMs);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
