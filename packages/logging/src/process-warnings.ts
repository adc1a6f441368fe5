import type { Logger } from 'pino';

let routed = false;

/**
 * Node's process warnings go through the logger instead of Node's own stderr lines, which would break a service's
 * JSON log and scroll a person's progress bars away. One is dropped: kafkajs 2.2.4 arms its idle request-queue timer
 * with a negative delay (`throttledUntil - Date.now()` while never throttled); Node 24 warns about it
 * (TimeoutNegativeWarning) and runs the timer after 1 ms, which is what kafkajs means.
 */
export function logProcessWarnings(log: Logger): void {
  if (routed) return;
  routed = true;
  // Node prints warnings through its own listener; removing it is the documented way short of --no-warnings.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    log.warn({ warning: { name: warning.name, message: warning.message } }, `${warning.name}: ${warning.message}`);
  });
}
