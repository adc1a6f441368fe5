import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { composeSchema, loadNamedSchemas } from './schemas.ts';
import { topicsFor, valueTypeOf } from './topics.ts';

test('every schema file composes into a self-contained Avro schema', () => {
  const named = loadNamedSchemas();
  assert.ok(named.size >= 10);
  for (const name of named.keys()) {
    const composed = composeSchema(name, named);
    assert.doesNotThrow(() => avro.Type.forSchema(composed as avro.Schema), name);
  }
});

test('a pipeline record round-trips with a wrapped union payload', () => {
  const type = avro.Type.forSchema(composeSchema('relocate.PipelineRecord') as avro.Schema);
  const value = {
    relocationId: 'r1',
    producedBy: 'reader',
    payload: { 'relocate.ModelBatch': { model: 'sentry.user', minOrdinal: 1, records: [{ pk: 7, fields: '{"username":"a"}' }] } },
  };
  assert.deepEqual(JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(value)))), value);
});

test('a type referenced twice is defined once', () => {
  const text = JSON.stringify(composeSchema('relocate.ExportChunk'));
  assert.equal(text.split('"name":"ImportScope"').length - 1, 1);
});

test('every topic but the DLQs has a value type', () => {
  const t = topicsFor('x');
  const types = valueTypeOf(t);
  for (const topic of [t.exports, t.models, t.written, t.slugs, t.reserved, t.eventstream, t.relocations]) assert.ok(types.has(topic), topic);
});
