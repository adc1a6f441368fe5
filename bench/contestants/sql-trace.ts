import pg from 'pg';

export interface StatementStats { sql: string; calls: number; totalMs: number }

/** A statement's shape: whitespace folded, multi-row VALUES lists cut, so its calls add up under one key. */
function shapeOf(text: string): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  const values = folded.indexOf(' VALUES (');
  return (values > 0 && folded.startsWith('INSERT') ? `${folded.slice(0, values)} VALUES (...)` : folded).slice(0, 140);
}

/** Told of each query as it is sent; what it returns is called when the query has ended. */
export type QueryObserver = (text: string, values: unknown[] | undefined) => (() => void) | undefined;

/**
 * Shows every query any pg client of this process sends to an observer, without touching the code that sends it:
 * it wraps pg.Client.prototype.query. Returns the function that removes the wrapper.
 */
export function observeQueries(observer: QueryObserver): () => void {
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function observed(this: pg.Client, ...args: unknown[]): unknown {
    const first = args[0] as string | { text?: unknown; values?: unknown } | undefined;
    const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : undefined;
    if (text === undefined) return original.apply(this, args); // a COPY stream or another submittable
    const values = Array.isArray(args[1]) ? (args[1] as unknown[]) : typeof first === 'object' && Array.isArray(first.values) ? (first.values as unknown[]) : undefined;
    const ended = observer(text, values);
    if (!ended) return original.apply(this, args);
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (...cbArgs: unknown[]) => {
        ended();
        return (last as (...a: unknown[]) => unknown)(...cbArgs);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args) as Promise<unknown>;
    result.then(ended, ended);
    return result;
  };
  return () => {
    pg.Client.prototype.query = original as typeof pg.Client.prototype.query;
  };
}

/**
 * Opt-in instrumentation for a profiling run (`--trace-sql`): times every query a pg client sends, from call to
 * result, by statement shape. Queries of concurrent stages overlap, so the times are each query's own latency
 * (round trip, server time and queueing), not shares of the wall time.
 */
export function traceQueries(): () => StatementStats[] {
  const stats = new Map<string, StatementStats>();
  observeQueries((text) => {
    const start = performance.now();
    return () => {
      const sql = shapeOf(text);
      const s = stats.get(sql) ?? stats.set(sql, { sql, calls: 0, totalMs: 0 }).get(sql) as StatementStats;
      s.calls++;
      s.totalMs += performance.now() - start;
    };
  });
  return () => [...stats.values()].sort((a, b) => b.totalMs - a.totalMs);
}
