import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaMessage } from 'kafkajs';
import { UndecodableRecordError } from '@relocate/codec';
import { BadInputError } from '@relocate/domain';
import { decodeStep } from './decode.ts';

const message = (value: Buffer | null): KafkaMessage => ({ key: Buffer.from('r1'), value, offset: '7', timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;
const policy = { maxRetries: 2, baseMs: 1 };

test('decode hands on the value and retries a registry that is away', async () => {
  let calls = 0;
  const codec = { decode: async <T>(raw: Buffer): Promise<T> => {
    if (++calls === 1) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    return raw.toString() as T;
  } };
  assert.equal(await decodeStep<string>(codec, policy, () => undefined)('t', 0, message(Buffer.from('v'))), 'v');
  assert.equal(calls, 2);
});

test('an unreadable message is bad input named by where it sits; a tombstone is refused', async () => {
  const codec = { decode: async <T>(): Promise<T> => { throw new UndecodableRecordError('UnknownSchema', 'schema id 9 is unknown'); } };
  const decode = decodeStep(codec, policy, () => undefined);
  await assert.rejects(decode('p.models', 1, message(Buffer.from('x'))), (e: unknown) => e instanceof BadInputError && /p\.models\[1\]@7/.test(e.message));
  await assert.rejects(decode('p.models', 1, message(null)), /tombstone/);
});
