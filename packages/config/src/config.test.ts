import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from './index.ts';

test('defaults point at the native local stack', () => {
  const c = loadConfig({});
  assert.deepEqual(c.kafkaBrokers, ['127.0.0.1:9092']);
  assert.equal(c.schemaRegistryUrl, 'http://127.0.0.1:8081/apis/ccompat/v7');
  assert.equal(c.topicPrefix, 'relocate');
});

test('a list of brokers is split and trimmed', () => {
  assert.deepEqual(loadConfig({ KAFKA_BROKERS: 'a:1, b:2' }).kafkaBrokers, ['a:1', 'b:2']);
});

test('a bad value names the variable', () => {
  assert.throws(() => loadConfig({ RELOCATE_PARTITIONS: 'many' }), (e: unknown) => e instanceof ConfigError && /RELOCATE_PARTITIONS/.test(e.message));
  assert.throws(() => loadConfig({ RELOCATE_TOPIC_PREFIX: 'bad prefix' }), /RELOCATE_TOPIC_PREFIX/);
});

test('the DLQ limit can be switched off part by part', () => {
  const c = loadConfig({ RELOCATE_DLQ_MAX_INVALID_RATIO: 'none', RELOCATE_DLQ_MAX_CONSECUTIVE: '3' });
  assert.equal(c.dlqMaxInvalidRatio, null);
  assert.equal(c.dlqMaxConsecutive, 3);
  assert.throws(() => loadConfig({ RELOCATE_DLQ_MAX_CONSECUTIVE: 'lots' }), /RELOCATE_DLQ_MAX_CONSECUTIVE/);
});
