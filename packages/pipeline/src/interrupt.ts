/** `relocate import` was interrupted by a signal; its hosted stages stopped cleanly and the relocation goes on from Kafka. */
export class ImportInterrupted extends Error {
  override name = 'ImportInterrupted';
  readonly relocationId: string;
  readonly signal: string;
  constructor(relocationId: string, signal: string) {
    super(`relocation ${relocationId}: import interrupted by ${signal}`);
    this.relocationId = relocationId;
    this.signal = signal;
  }
}

const interruptSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Calls onFirst at the first SIGINT, SIGTERM or SIGHUP; a second one exits at once (130, as a shell reports Ctrl-C).
 * Returns a function that removes the handlers.
 */
export function onInterrupt(onFirst: (signal: string) => void, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let interrupted = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (interrupted) return exit(130);
    interrupted = true;
    onFirst(signal);
  };
  for (const s of interruptSignals) process.on(s, handler);
  return () => {
    for (const s of interruptSignals) process.off(s, handler);
  };
}
