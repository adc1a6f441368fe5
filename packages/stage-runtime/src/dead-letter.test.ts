import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UndecodableRecordError } from '@relocate/codec';
import { BadInputError } from '@relocate/domain';
import { countsTowardDlqLimit, deadLetterFinding, undecodable } from './dead-letter.ts';

test('an unreadable message is bad input of the relocation it is keyed by, named by where it sits', () => {
  const err = undecodable(new UndecodableRecordError('UnknownSchema', 'schema id 9 is not known to the schema registry'), 'p.models', 1, '42');
  assert.ok(err instanceof BadInputError);
  const finding = deadLetterFinding('r1', { stage: 'writer', topic: 'p.models', partition: 1, message: { offset: '42' } as never }, err);
  assert.deepEqual(
    [finding.relocationId, finding.stage, finding.kind, finding.model, finding.pk, finding.field, finding.reason],
    ['r1', 'writer', 'UnknownSchema', null, null, null, 'the message at p.models[1]@42 cannot be read: schema id 9 is not known to the schema registry'],
  );
});

test('a bad export does not count toward the DLQ limit; an unreadable message and any other failure do', () => {
  assert.equal(countsTowardDlqLimit(new BadInputError({ kind: 'DuplicatePk', model: 'sentry.email', pk: 1, field: 'pk', reason: 'twice' })), false);
  assert.equal(countsTowardDlqLimit(undecodable(new UndecodableRecordError('NotWireFormat', 'x'), 't', 0, '0')), true);
  assert.equal(countsTowardDlqLimit(new Error('database down')), true);
});
