import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from './index.ts';
import { logProcessWarnings } from './process-warnings.ts';

test('process warnings reach the log as JSON, and kafkajs\'s negative-timeout warning does not', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => { lines.push(...chunk.toString('utf8').trim().split('\n')); done(); } });
  logProcessWarnings(createLogger('test', 'info', sink));
  process.emitWarning('-5 is a negative number.', 'TimeoutNegativeWarning');
  process.emitWarning('something is deprecated', 'DeprecationWarning');
  await new Promise((r) => setImmediate(r));
  const logged = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
  assert.deepEqual(logged.map((l) => [l.level, l.msg]), [[40, 'DeprecationWarning: something is deprecated']]);
});
