import { destination, levels, multistream, pino, type DestinationStream, type Level, type Logger } from 'pino';
import { humanLines } from './human-lines.ts';

export type { Logger };
export { humanLine, humanLines } from './human-lines.ts';
export { logProcessWarnings } from './process-warnings.ts';

/**
 * Paths that may carry secrets anywhere in a log object: Sentry password hashes, API and auth tokens,
 * project keys, private keys and decrypted payloads.
 */
export const redactedPaths = [
  'password', '*.password', '*.*.password',
  'token', '*.token', '*.*.token', 'token_hashed', '*.token_hashed',
  'refresh_token', '*.refresh_token',
  'secret_key', '*.secret_key', 'client_secret', '*.client_secret',
  'privateKey', '*.privateKey', 'private_key', '*.private_key',
  'fields', '*.fields', 'data', '*.data',
  // The Kafka SASL password: as the variable, and inside a logged config (config.kafkaSasl.password is *.*.password).
  'KAFKA_SASL_PASSWORD', '*.KAFKA_SASL_PASSWORD',
];

/** JSON logs on stderr, so a command's stdout carries only its results. */
export function createLogger(name: string, level: string = 'info', to: DestinationStream = destination({ fd: 2, sync: false })): Logger {
  return pino({
    name,
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, to);
}

/**
 * A command run by a person at a terminal: the full JSON log at `level` into `file`, and warnings and errors as one
 * readable line each through `notice` (stderr, or above the progress bars).
 */
export function createTerminalLogger(name: string, level: string, file: string, notice: (line: string) => void): Logger {
  const streams = [
    { level: level as Level, stream: destination({ dest: file, mkdir: true, sync: true }) },
    { level: 'warn' as Level, stream: humanLines(notice) },
  ];
  // pino's own level must admit what the most talkative stream wants.
  const lowest = (levels.values[level] ?? Infinity) < (levels.values.warn ?? 40) ? level : 'warn';
  return createLogger(name, lowest, multistream(streams));
}
