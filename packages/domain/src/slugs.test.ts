import { test } from 'node:test';
import assert from 'node:assert/strict';
import { organizationSlugTarget, slugify, slugifyInstance, uniquify } from './slugs.ts';

test('slugify folds, lowercases and dashes like Django', () => {
  assert.equal(slugify(' Héllo, World_ 2 '), 'hello-world_-2');
  assert.equal(slugifyInstance('a'.repeat(40)), 'a'.repeat(30));
});

test('organization slugs turn underscores into dashes', () => {
  assert.equal(organizationSlugTarget('_My_Org_'), 'my-org');
});

test('a free slug is kept', async () => {
  assert.equal(await uniquify('testing', { maxLength: 30, isTaken: async () => false }), 'testing');
});

test('a taken slug gets a 2-character suffix first', async () => {
  const taken = new Set(['testing']);
  const s = await uniquify('testing', { maxLength: 30, isTaken: async (v) => taken.has(v) });
  assert.match(s, /^testing-[a-z0-79]{2}$/);
});

test('the suffix schedule grows and keeps within max length', async () => {
  const seen: string[] = [];
  const s = await uniquify('x'.repeat(30), { maxLength: 30, isTaken: async (v) => (seen.push(v), seen.length < 8) });
  assert.equal(seen.length, 8);
  assert.match(s, /^x{24}-[a-z0-79]{5}$/);
  assert.ok(s.length <= 30);
});

test('an all-digit value always gets a suffix', async () => {
  assert.match(await uniquify('12345', { maxLength: 30, isTaken: async () => false }), /^12345-..$/);
});

test('a reserved value becomes a random 12-character value', async () => {
  assert.match(await uniquify('admin', { maxLength: 30, isTaken: async () => false, reserved: new Set(['admin']) }), /^[0-9a-f]{12}$/);
});
