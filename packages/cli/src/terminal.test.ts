import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@relocate/config';
import { Terminal } from './terminal.ts';

test('a person at a terminal gets a log file; --verbose, LOG_LEVEL, a pipe and a service get JSON on stderr', () => {
  assert.equal(new Terminal({ verbose: false, logLevelFromEnv: false, isTTY: true }).human, true);
  assert.equal(new Terminal({ verbose: true, logLevelFromEnv: false, isTTY: true }).human, false);
  assert.equal(new Terminal({ verbose: false, logLevelFromEnv: true, isTTY: true }).human, false);
  assert.equal(new Terminal({ verbose: false, logLevelFromEnv: false, isTTY: false }).human, false);
  assert.equal(Terminal.forService().human, false);
});

test('the log file is named by the relocation, or RELOCATE_LOG_FILE', () => {
  const t = new Terminal({ verbose: false, logLevelFromEnv: false, isTTY: true });
  t.logger(loadConfig({ RELOCATE_LOG_FILE: '/tmp/relocate-terminal-test.log' }), 'r-1', false);
  assert.equal(t.logFile, '/tmp/relocate-terminal-test.log');
  const named = new Terminal({ verbose: false, logLevelFromEnv: false, isTTY: true });
  named.logger(loadConfig({}), 'a/b c', false);
  assert.match(named.logFile ?? '', /\.run\/logs\/relocate-a_b_c\.log$/);
  const piped = new Terminal({ verbose: false, logLevelFromEnv: false, isTTY: false });
  piped.logger(loadConfig({}), 'r-1', false);
  assert.equal(piped.logFile, undefined);
});

test('config: LOG_LEVEL set is told apart from the default', () => {
  assert.deepEqual([loadConfig({}).logLevel, loadConfig({}).logLevelFromEnv], ['info', false]);
  assert.deepEqual([loadConfig({ LOG_LEVEL: 'info' }).logLevel, loadConfig({ LOG_LEVEL: 'info' }).logLevelFromEnv], ['info', true]);
});
