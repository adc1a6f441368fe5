import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_KAFKA_VERSION, kafkaVersionFrom } from './config.ts';
import { StackConfigError } from './errors.ts';

test('RELOCATE_KAFKA_VERSION picks 3.9.x or 4.x, and names itself when it is neither', () => {
  assert.equal(kafkaVersionFrom(undefined), DEFAULT_KAFKA_VERSION);
  assert.equal(kafkaVersionFrom(' '), '3.9.1');
  assert.equal(kafkaVersionFrom('4.1.1'), '4.1.1');
  assert.equal(kafkaVersionFrom('3.9.0'), '3.9.0');
  for (const bad of ['4.1', '3.8.1', 'latest', '5.0.0x']) {
    assert.throws(() => kafkaVersionFrom(bad), (e: unknown) => e instanceof StackConfigError && /RELOCATE_KAFKA_VERSION .*4\.1\.1/.test(e.message), bad);
  }
});
