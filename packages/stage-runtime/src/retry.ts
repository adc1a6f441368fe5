import { BadInputError } from '@relocate/domain';

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

export interface RetryPolicy { maxRetries: number; baseMs: number }

export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= policy.maxRetries || !isRetriable(err)) throw err;
      const delayMs = Math.min(30_000, policy.baseMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      onRetry(err, attempt + 1, delayMs);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
