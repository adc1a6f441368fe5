import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTerminalLogger } from './index.ts';
import { humanLine, humanLines } from './human-lines.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

test('a pino record reads as one line: who, what, why, which attempt', () => {
  const line = humanLine(JSON.stringify({ level: 40, service: 'relocate', stage: 'writer', msg: 'PostgreSQL not answering, retrying', attempt: 3, err: { message: 'connect ECONNREFUSED 127.0.0.1:5432' } }));
  assert.equal(line, 'writer: PostgreSQL not answering, retrying: connect ECONNREFUSED 127.0.0.1:5432 (attempt 3)');
  assert.equal(humanLine(JSON.stringify({ level: 50, service: 'relocate', component: 'kafkajs', msg: 'Crash: KafkaJSNumberOfRetriesExceeded' })), 'kafkajs: error: Crash: KafkaJSNumberOfRetriesExceeded');
  assert.equal(humanLine('not json\n'), 'not json');
});

test('at a terminal the full JSON log goes to the file and only warnings and errors reach the person, as lines', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'relocate-log-')), 'logs', 'relocate-x.log');
  const shown: string[] = [];
  const log = createTerminalLogger('relocate', 'info', file, (l) => shown.push(l));
  log.info({ stage: 'reader' }, 'stage running');
  log.warn({ stage: 'writer', attempt: 2 }, 'retrying');
  log.debug('not at info');
  log.child({ component: 'kafkajs' }).error('The group is rebalancing, so a rejoin is needed');
  assert.deepEqual(shown, ['writer: retrying (attempt 2)'], 'kafkajs\'s own lines only in the file');
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
  assert.deepEqual(lines.map((l) => l.msg), ['stage running', 'retrying', 'The group is rebalancing, so a rejoin is needed']);
});

test('kafkajs\'s own lines stay off the terminal, but a broker that does not answer is said once per 15 s', () => {
  const shown: string[] = [];
  let clock = 0;
  const stream = humanLines((l) => shown.push(l), () => clock);
  const kafkajs = (fields: Record<string, unknown>) => stream.write(JSON.stringify({ level: 50, component: 'kafkajs', ...fields }));
  kafkajs({ msg: 'Restarting the consumer in 300ms', error: 'The group is rebalancing, so a rejoin is needed' });
  assert.deepEqual(shown, [], 'a rebalance is no news for a person');
  kafkajs({ broker: '127.0.0.1:9092', msg: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092' });
  kafkajs({ broker: '127.0.0.1:9092', msg: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092' });
  clock = 16_000;
  kafkajs({ msg: 'Failed to connect to seed broker', error: 'Connection timeout' });
  assert.deepEqual(shown, [
    'kafka: broker 127.0.0.1:9092 does not answer (ECONNREFUSED); retrying, details in the log file',
    'kafka: a broker does not answer (Connection timeout); retrying, details in the log file',
  ]);
});
