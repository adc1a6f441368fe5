import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBase64Url, encodeBase64Url } from './base64url.ts';

test('encodes URL-safe with = padding, like Python', () => {
  assert.equal(encodeBase64Url(Buffer.from([0xfb, 0xff])), '-_8=');
  assert.equal(encodeBase64Url(Buffer.from([0xfb])), '-w==');
  assert.equal(encodeBase64Url(Buffer.from([1, 2, 3])), 'AQID');
});

test('decodes padded and unpadded text alike', () => {
  assert.deepEqual(decodeBase64Url('-_8='), Buffer.from([0xfb, 0xff]));
  assert.deepEqual(decodeBase64Url('-_8'), Buffer.from([0xfb, 0xff]));
  assert.deepEqual(decodeBase64Url('-w=='), Buffer.from([0xfb]));
  assert.deepEqual(decodeBase64Url(''), Buffer.alloc(0));
});

test('rejects characters outside the URL-safe alphabet and impossible lengths', () => {
  for (const bad of ['+_8=', '-/8=', 'AQ ID', 'AQID!', 'A', 'AQIDB', '-w=', '-_8==', '====', 'AQ=D']) {
    assert.equal(decodeBase64Url(bad), undefined, bad);
  }
});
