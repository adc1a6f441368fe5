import { test } from 'node:test';
import assert from 'node:assert/strict';
import { organizationSlugTarget, slugify, slugifyInstance, uniquifyAll, type UniquifyOptions } from './slugs.ts';

test('slugify folds, lowercases and dashes like Django', () => {
  assert.equal(slugify(' Héllo, World_ 2 '), 'hello-world_-2');
  assert.equal(slugifyInstance('a'.repeat(40)), 'a'.repeat(30));
});

test('organization slugs turn underscores into dashes', () => {
  assert.equal(organizationSlugTarget('_My_Org_'), 'my-org');
});

/** A `taken` that answers from a set and records each round's candidates. */
function takenFrom(held: Iterable<string>): { taken: UniquifyOptions['taken']; rounds: string[][] } {
  const set = new Set([...held].map((v) => v.toLowerCase()));
  const rounds: string[][] = [];
  return { rounds, taken: async (candidates) => (rounds.push(candidates), new Set(candidates.map((c) => c.toLowerCase()).filter((c) => set.has(c)))) };
}

test('a free slug is kept', async () => {
  assert.deepEqual(await uniquifyAll(['testing'], { maxLength: 30, ...takenFrom([]) }), ['testing']);
});

test('a taken slug gets a 2-character suffix first, checked case-insensitively', async () => {
  const [s] = await uniquifyAll(['Testing'], { maxLength: 30, ...takenFrom(['testing']) });
  assert.match(s as string, /^Testing-[a-z0-79]{2}$/);
});

test('the suffix schedule grows and keeps within max length', async () => {
  const rounds: string[][] = [];
  const [s] = await uniquifyAll(['x'.repeat(30)], { maxLength: 30, taken: async (c) => (rounds.push(c), rounds.length < 8 ? new Set(c) : new Set()) });
  assert.equal(rounds.length, 8);
  assert.match(s as string, /^x{24}-[a-z0-79]{5}$/);
  assert.ok((s as string).length <= 30);
});

test('a whole batch is checked in one call per round, whatever its size', async () => {
  const values = Array.from({ length: 500 }, (_, i) => `user-${i}`);
  const held = takenFrom(values.filter((_, i) => i % 2 === 0));
  const out = await uniquifyAll(values, { maxLength: 128, ...held });
  assert.equal(held.rounds.length, 2, 'the values, then one round of 2-character suffixes');
  assert.equal(held.rounds[0]?.length, 500);
  assert.equal(held.rounds[1]?.length, 250);
  out.forEach((v, i) => (i % 2 === 0 ? assert.match(v, new RegExp(`^user-${i}-[a-z0-79]{2}$`)) : assert.equal(v, `user-${i}`)));
});

test('two values of one batch never end up equal, whatever the suffixes drawn', async () => {
  // Every draw gives the same suffix: the second value of the batch must draw again, and again on the next try.
  let draws = 0;
  const random = (_: string, length: number): string => (draws++ < 3 ? 'a'.repeat(length) : `${draws}`.padStart(length, 'b'));
  const out = await uniquifyAll(['Acme', 'acme', 'ACME'], { maxLength: 30, random, ...takenFrom(['acme']) });
  assert.equal(new Set(out.map((v) => v.toLowerCase())).size, 3, out.join(', '));
  assert.ok(out.every((v) => /^acme-/i.test(v)), out.join(', '));
});

test('a value claimed earlier in the batch counts as taken', async () => {
  const [s] = await uniquifyAll(['bob'], { maxLength: 30, claimed: new Set(['bob']), ...takenFrom([]) });
  assert.match(s as string, /^bob-[a-z0-79]{2}$/);
});

test('an all-digit value always gets a suffix', async () => {
  assert.match((await uniquifyAll(['12345'], { maxLength: 30, ...takenFrom([]) }))[0] as string, /^12345-..$/);
});

test('a reserved value becomes a random 12-character value', async () => {
  const value = (await uniquifyAll(['admin'], { maxLength: 30, reserved: new Set(['admin']), ...takenFrom([]) }))[0] as string;
  // One draw in about 280 is all digits, which is never a slug: it then takes a suffix like any other.
  assert.match(value, /^(?=.*[a-f])[0-9a-f]{12}$|^[0-9]{12}-[a-z0-9]+$/);
});
