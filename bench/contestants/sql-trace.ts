import pg from 'pg';

export interface StatementStats { sql: string; calls: number; totalMs: number }

/** A statement's shape: whitespace folded, multi-row VALUES lists cut, so its calls add up under one key. */
function shapeOf(text: string): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  const values = folded.indexOf(' VALUES (');
  return (values > 0 && folded.startsWith('INSERT') ? `${folded.slice(0, values)} VALUES (...)` : folded).slice(0, 140);
}

/**
 * Opt-in instrumentation for a profiling run (`--trace-sql`): times every query a pg client sends, from call to
 * result, by statement shape. Queries of concurrent stages overlap, so the times are each query's own latency
 * (round trip, server time and queueing), not shares of the wall time. It wraps pg.Client.prototype.query, so it
 * sees the pipeline's queries without touching the stages' code.
 */
export function traceQueries(): () => StatementStats[] {
  const stats = new Map<string, StatementStats>();
  const record = (text: string, start: number): void => {
    const sql = shapeOf(text);
    const s = stats.get(sql) ?? stats.set(sql, { sql, calls: 0, totalMs: 0 }).get(sql) as StatementStats;
    s.calls++;
    s.totalMs += performance.now() - start;
  };
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function traced(this: pg.Client, ...args: unknown[]): unknown {
    const first = args[0] as string | { text?: unknown } | undefined;
    const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : undefined;
    if (text === undefined) return original.apply(this, args); // a COPY stream or another submittable
    const start = performance.now();
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (...cbArgs: unknown[]) => {
        record(text, start);
        return (last as (...a: unknown[]) => unknown)(...cbArgs);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args) as Promise<unknown>;
    result.then(() => record(text, start), () => record(text, start));
    return result;
  };
  return () => [...stats.values()].sort((a, b) => b.totalMs - a.totalMs);
}
