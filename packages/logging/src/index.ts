import { destination, pino, type DestinationStream, type Logger } from 'pino';

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
