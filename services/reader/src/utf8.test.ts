import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { BadInputError } from '@relocate/domain';
import { firstInvalid, Utf8Check } from './utf8.ts';

const reasonOf = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof BadInputError) return err.finding.reason;
    throw err;
  }
  return '';
};

test('agrees with the runtime on what is valid, for every one and two byte sequence and some longer ones', () => {
  const samples: Buffer[] = [];
  for (let a = 0; a < 256; a++) {
    samples.push(Buffer.from([a]));
    for (let b = 0; b < 256; b++) samples.push(Buffer.from([a, b]));
  }
  for (const s of ['€', '😀', '\u{10FFFF}', '\uFFFD']) samples.push(Buffer.from(s));
  samples.push(Buffer.from([0xe0, 0x80, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xf0, 0x8f, 0xbf, 0xbf]));
  for (const s of samples) {
    const r = firstInvalid(s);
    assert.equal(r.index === s.length && !r.truncated, isUtf8(s), s.toString('hex'));
  }
});

test('a character split across chunks is accepted', () => {
  const text = Buffer.from('[{"name": "Zoë 😀"}]\n');
  const check = new Utf8Check('export');
  for (let i = 0; i < text.length; i++) check.push(text.subarray(i, i + 1));
  assert.doesNotThrow(() => check.end());
});

test('an invalid byte is named by its offset and line in the whole file', () => {
  const check = new Utf8Check('export');
  check.push(Buffer.from('[\n  {"a": "'));
  const reason = reasonOf(() => check.push(Buffer.from([0x6f, 0x6b, 0xff, 0x22])));
  assert.match(reason, /export is not valid UTF-8 at byte 13 \(line 2\): ff 22/);
});

test('a file ending inside a character is invalid', () => {
  const check = new Utf8Check('events file');
  check.push(Buffer.from([0x61, 0xe2, 0x82]));
  assert.match(reasonOf(() => check.end()), /events file is not valid UTF-8 at byte 1 \(line 1\): e2 82/);
});
