import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { fernetDecrypt, fernetEncrypt, generateFernetKey, InvalidTokenError } from './fernet.ts';

// The vector published in the Fernet spec (github.com/fernet/spec, generate.json and verify.json).
const specSecret = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const specNow = new Date('1985-10-26T01:20:00-07:00');
const specIv = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
const specToken = 'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==';

function tokenBytes(token: string): Buffer {
  return Buffer.from(token, 'base64url');
}

function asToken(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** A token with a valid HMAC around a hand-made body and IV, to reach the checks behind the HMAC. */
function signedToken(key: string, iv: Buffer, ciphertext: Buffer): string {
  const keyBytes = Buffer.from(key, 'base64url');
  const header = Buffer.concat([Buffer.from([0x80]), Buffer.alloc(8), iv]);
  const hmac = createHmac('sha256', keyBytes.subarray(0, 16)).update(header).update(ciphertext).digest();
  return asToken(Buffer.concat([header, ciphertext, hmac]));
}

test('encrypting the spec vector gives the spec token', () => {
  assert.equal(fernetEncrypt(specSecret, Buffer.from('hello'), specNow, specIv), specToken);
});

test('the spec token decrypts to the spec plaintext, with or without padding', () => {
  assert.equal(fernetDecrypt(specSecret, specToken).toString('utf8'), 'hello');
  assert.equal(fernetDecrypt(specSecret, specToken.replace(/=+$/, '')).toString('utf8'), 'hello');
});

test('data of any length round-trips', () => {
  const key = generateFernetKey();
  for (const size of [0, 1, 15, 16, 17, 1000, 65537]) {
    const data = randomBytes(size);
    assert.deepEqual(fernetDecrypt(key, fernetEncrypt(key, data)), data, `size ${size}`);
  }
});

test('each token gets a fresh IV and carries the time it was made', () => {
  const key = generateFernetKey();
  const now = new Date('2024-03-01T12:00:00.900Z');
  const a = tokenBytes(fernetEncrypt(key, Buffer.from('same'), now));
  const b = tokenBytes(fernetEncrypt(key, Buffer.from('same'), now));
  assert.notDeepEqual(a.subarray(9, 25), b.subarray(9, 25));
  assert.equal(a.readBigUInt64BE(1), BigInt(Math.floor(now.getTime() / 1000)));
});

test('a flipped byte anywhere after the version byte fails the HMAC', () => {
  const bytes = tokenBytes(specToken);
  for (const at of [1, 9, 30, bytes.length - 33, bytes.length - 1]) {
    const flipped = Buffer.from(bytes);
    flipped[at] = (flipped[at] as number) ^ 0x01;
    assert.throws(() => fernetDecrypt(specSecret, asToken(flipped)), { name: 'InvalidTokenError', message: /HMAC does not match/ }, `byte ${at}`);
  }
});

test('a changed character in the token text is an invalid token', () => {
  const i = 40;
  const changed = specToken.slice(0, i) + (specToken[i] === 'A' ? 'B' : 'A') + specToken.slice(i + 1);
  assert.throws(() => fernetDecrypt(specSecret, changed), InvalidTokenError);
});

test('a token made with another key is an invalid token', () => {
  assert.throws(() => fernetDecrypt(generateFernetKey(), specToken), { name: 'InvalidTokenError', message: /HMAC does not match/ });
});

test('malformed tokens are invalid tokens that say what is wrong', () => {
  assert.throws(() => fernetDecrypt(specSecret, ''), { name: 'InvalidTokenError', message: /too short: 0 bytes/ });
  assert.throws(() => fernetDecrypt(specSecret, specToken.slice(0, 60)), { name: 'InvalidTokenError', message: /too short/ });
  assert.throws(() => fernetDecrypt(specSecret, specToken.replace('_', '/')), { name: 'InvalidTokenError', message: /not URL-safe base64/ });
  const version = tokenBytes(specToken);
  version[0] = 0x81;
  assert.throws(() => fernetDecrypt(specSecret, asToken(version)), { name: 'InvalidTokenError', message: /version byte 0x81/ });
});

test('surrounding whitespace, such as a trailing newline, is tolerated', () => {
  assert.equal(fernetDecrypt(specSecret, `${specToken}\n`).toString('utf8'), 'hello');
});

test('an authentic token whose ciphertext is not whole padded blocks is an invalid token', () => {
  const key = generateFernetKey();
  const aesKey = Buffer.from(key, 'base64url').subarray(16);
  // A zero last byte is never valid PKCS7 padding.
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', aesKey, iv).setAutoPadding(false);
  const badPadding = Buffer.concat([cipher.update(Buffer.alloc(16)), cipher.final()]);
  assert.throws(() => fernetDecrypt(key, signedToken(key, iv, badPadding)), { name: 'InvalidTokenError', message: /does not decrypt/ });
  assert.throws(() => fernetDecrypt(key, signedToken(key, iv, randomBytes(17))), { name: 'InvalidTokenError', message: /does not decrypt/ });
});

test('generated keys are 32 random bytes in padded URL-safe base64', () => {
  const a = generateFernetKey();
  assert.match(a, /^[A-Za-z0-9_-]{43}=$/);
  assert.equal(Buffer.from(a, 'base64url').length, 32);
  assert.notEqual(a, generateFernetKey());
});

test('a key that is not 32 bytes of base64url is refused before any work', () => {
  assert.throws(() => fernetEncrypt('c2hvcnQ=', Buffer.from('x')), { name: 'TypeError', message: /Fernet key must be 32 bytes/ });
  assert.throws(() => fernetDecrypt(specSecret.replace('_', '+'), specToken), { name: 'TypeError', message: /Fernet key must be 32 bytes/ });
});
