import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Column, typeMismatch, unstorable } from './table-columns.ts';

const column = (type: string, maxLength: number | null = null): Column => ({ name: 'c', type, nullable: true, hasDefault: false, maxLength });

test('NUL is refused in text, varchar and anywhere inside jsonb; the six characters \\u0000 are plain text', () => {
  assert.match(unstorable(column('text'), 'a\u0000b') ?? '', /NUL character/);
  assert.match(unstorable(column('character varying', 10), '\u0000') ?? '', /NUL character/);
  assert.match(unstorable(column('jsonb'), { deep: ['x', { y: 'z\u0000' }] }) ?? '', /NUL character/);
  assert.match(unstorable(column('jsonb'), { ['k\u0000']: 1 }) ?? '', /NUL character/);
  assert.equal(unstorable(column('text'), 'back\\u0000slash'), null);
  assert.equal(unstorable(column('jsonb'), { v: 'back\\u0000slash \u0001\u001f\u007f' }), null);
  assert.equal(unstorable(column('bigint'), 7), null);
});

test('a varchar counts characters, not UTF-16 units', () => {
  assert.equal(typeMismatch(column('character varying', 2), '🦀🦀'), null);
  assert.equal(typeMismatch(column('character varying', 2), 'abc'), 'longer than 2 characters');
  assert.equal(typeMismatch(column('text'), 'x'.repeat(10_000)), null);
});

test('half of a surrogate pair is refused in any column, inside jsonb too; whole pairs are characters', () => {
  assert.match(unstorable(column('text'), 'a\ud800b') ?? '', /surrogate pair/);
  assert.match(unstorable(column('character varying', 10), '\udc00') ?? '', /surrogate pair/);
  assert.match(unstorable(column('jsonb'), { deep: ['x', { y: 'z\ud83e' }] }) ?? '', /surrogate pair/);
  assert.match(unstorable(column('jsonb'), { ['k\udfff']: 1 }) ?? '', /surrogate pair/);
  assert.match(unstorable(column('inet'), '\ud800') ?? '', /surrogate pair/);
  assert.equal(unstorable(column('text'), 'crab 🦀 \ud83e\udd80'), null);
  assert.equal(unstorable(column('jsonb'), { v: '\\ud800 is six characters' }), null);
});
