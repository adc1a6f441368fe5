import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@relocate/config';
import { createLogger } from './index.ts';

test('the Kafka SASL password never reaches a log line, as config or as the variable', () => {
  const lines: string[] = [];
  const log = createLogger('test', 'info', { write: (line: string) => lines.push(line) });
  const env = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'relocate', KAFKA_SASL_PASSWORD: 's3cret-pw' } as const;
  const config = loadConfig(env);
  log.info({ config }, 'config');
  log.info({ sasl: config.kafkaSasl }, 'sasl');
  log.info({ env }, 'env');
  assert.equal(lines.length, 3);
  for (const line of lines) assert.doesNotMatch(line, /s3cret-pw/);
  assert.match(lines[0] ?? '', /"username":"relocate"/, 'only the secret is redacted');
});
