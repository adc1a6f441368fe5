import { destination, pino, type Logger } from 'pino';

export type { Logger };

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
];

/** JSON logs on stderr, so a command's stdout carries only its results. */
export function createLogger(name: string, level: string = 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, destination({ fd: 2, sync: false }));
}
