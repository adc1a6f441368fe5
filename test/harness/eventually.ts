/**
 * Polls until check returns a value other than undefined, and returns it. Fails after timeoutMs naming what was
 * awaited and the last value seen: a bound on the test, not an assertion about time.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000, pollMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
