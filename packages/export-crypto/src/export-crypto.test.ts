import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packTar } from './export-tarball.ts';
import { DecryptionError, decryptExport, EncryptionError, encryptExport, fernetEncrypt, generateFernetKey, type DecryptionFailure } from './index.ts';

const fixture = readFileSync(fileURLToPath(new URL('../../../../shared/fixtures/sentry/fresh-install.json', import.meta.url)));

interface KeyPair {
  publicKey: string;
  privateKey: string;
}

function rsaKeyPair(): KeyPair {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

let keys: KeyPair;
let tarball: Buffer;

before(async () => {
  keys = rsaKeyPair();
  tarball = await encryptExport(fixture, keys.publicKey);
});

/** A scratch directory, removed after `use` returns. */
async function inTempDir<T>(use: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'export-crypto-'));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tar(args: string[], cwd: string): string {
  return execFileSync('tar', args, { cwd, encoding: 'utf8' });
}

/** The tarball's files, extracted by the system tar, so tests can change them and re-tar. */
function extractWithSystemTar(dir: string, bytes: Buffer): void {
  writeFileSync(join(dir, 'in.tar'), bytes);
  mkdirSync(join(dir, 'files'));
  tar(['-xf', join(dir, 'in.tar'), '-C', join(dir, 'files')], dir);
}

/** A tarball of `names` from `dir/files`, written by the system tar (GNU format), in that order. */
function tarWithSystemTar(dir: string, names: string[]): Buffer {
  tar(['-cf', join(dir, 'out.tar'), '-C', join(dir, 'files'), ...names], dir);
  return readFileSync(join(dir, 'out.tar'));
}

async function rejectsWith(promise: Promise<unknown>, reason: DecryptionFailure, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DecryptionError, `expected a DecryptionError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    assert.match(error.message, message);
    return true;
  });
}

test('fresh-install.json round-trips through encryptExport and decryptExport', async () => {
  assert.deepEqual(await decryptExport(tarball, keys.privateKey), fixture);
});

test('each export gets its own data key', async () => {
  const again = await encryptExport(fixture, keys.publicKey);
  await inTempDir((dir) => {
    extractWithSystemTar(dir, tarball);
    const first = readFileSync(join(dir, 'files', 'data.key'));
    rmSync(join(dir, 'files'), { recursive: true });
    extractWithSystemTar(dir, again);
    assert.notDeepEqual(readFileSync(join(dir, 'files', 'data.key')), first);
  });
});

test('the tarball holds export.json, data.key and key.pub, in that order, as regular files the system tar reads', async () => {
  await inTempDir((dir) => {
    writeFileSync(join(dir, 'export.tar'), tarball);
    assert.deepEqual(tar(['-tf', 'export.tar'], dir).trim().split('\n'), ['export.json', 'data.key', 'key.pub']);
    const listing = tar(['-tvf', 'export.tar'], dir).trim().split('\n');
    assert.equal(listing.length, 3);
    for (const line of listing) assert.match(line, /^-rw-r--r-- /, line);

    extractWithSystemTar(dir, tarball);
    assert.equal(readFileSync(join(dir, 'files', 'key.pub'), 'utf8'), keys.publicKey);
    assert.equal(readFileSync(join(dir, 'files', 'data.key')).length, 256, 'a 2048-bit RSA ciphertext');
    assert.match(readFileSync(join(dir, 'files', 'export.json'), 'latin1'), /^gAAAAA[A-Za-z0-9_-]+=*$/);
  });
});

test('a public key in another PEM form is written to key.pub as SubjectPublicKeyInfo, which decrypts', async () => {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  assert.match(pair.publicKey, /BEGIN RSA PUBLIC KEY/);
  const made = await encryptExport(Buffer.from('[]'), pair.publicKey);
  await inTempDir((dir) => {
    extractWithSystemTar(dir, made);
    assert.match(readFileSync(join(dir, 'files', 'key.pub'), 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
  });
  // The PKCS#1 ("traditional") private key form is accepted too, as by Sentry.
  assert.equal((await decryptExport(made, pair.privateKey)).toString(), '[]');
});

test('members that are not regular files are ignored, in any order', async () => {
  await inTempDir(async (dir) => {
    extractWithSystemTar(dir, tarball);
    mkdirSync(join(dir, 'files', 'empty-dir'));
    const reordered = tarWithSystemTar(dir, ['key.pub', 'empty-dir', 'data.key', 'export.json']);
    assert.deepEqual(await decryptExport(reordered, keys.privateKey), fixture);
  });
});

test('another private key is a wrong-key error naming both keys', async () => {
  const other = rsaKeyPair();
  await rejectsWith(decryptExport(tarball, other.privateKey), 'wrong-key', /public key does not match .*encrypted for key SHA256:\S+, and this private key is SHA256:\S+/);
});

test('key.pub holding the right key in another PEM form is still a wrong-key error, as in Sentry, and says why', async () => {
  await inTempDir(async (dir) => {
    extractWithSystemTar(dir, tarball);
    writeFileSync(join(dir, 'files', 'key.pub'), keys.publicKey.replaceAll('\n', '\r\n'));
    const crlf = tarWithSystemTar(dir, ['export.json', 'data.key', 'key.pub']);
    await rejectsWith(decryptExport(crlf, keys.privateKey), 'wrong-key', /key\.pub holds this key, but not in the exact SubjectPublicKeyInfo PEM form/);
  });
});

test('a tarball cut in half is truncated', async () => {
  await rejectsWith(decryptExport(tarball.subarray(0, tarball.length / 2), keys.privateKey), 'truncated', /truncated: it stops after \d+ bytes, part-way through export\.json/);
});

test('a tarball cut at 1 KiB is truncated', async () => {
  await rejectsWith(decryptExport(tarball.subarray(0, 1024), keys.privateKey), 'truncated', /truncated: it stops after 1024 bytes/);
});

test('a tarball cut cleanly between members is truncated, not missing a file', async () => {
  await inTempDir(async (dir) => {
    extractWithSystemTar(dir, tarball);
    const tokenBytes = readFileSync(join(dir, 'files', 'export.json')).length;
    const afterExportJson = 512 + Math.ceil(tokenBytes / 512) * 512;
    await rejectsWith(decryptExport(tarball.subarray(0, afterExportJson), keys.privateKey), 'truncated', /before data\.key, key\.pub and the end of the archive/);
  });
});

test('an empty file is truncated', async () => {
  await rejectsWith(decryptExport(Buffer.alloc(0), keys.privateKey), 'truncated', /stops after 0 bytes/);
});

test('a changed byte inside the export.json token is tampered', async () => {
  await inTempDir(async (dir) => {
    extractWithSystemTar(dir, tarball);
    const token = readFileSync(join(dir, 'files', 'export.json'));
    const at = Math.floor(token.length / 2);
    token[at] = token[at] === 0x41 ? 0x42 : 0x41; // 'A' <-> 'B': still a valid base64url character
    writeFileSync(join(dir, 'files', 'export.json'), token);
    const tampered = tarWithSystemTar(dir, ['export.json', 'data.key', 'key.pub']);
    await rejectsWith(decryptExport(tampered, keys.privateKey), 'tampered', /^export\.json does not decrypt with the key in data\.key: .*HMAC does not match: the token was altered/);
  });
});

test('a changed byte in data.key is tampered', async () => {
  await inTempDir(async (dir) => {
    extractWithSystemTar(dir, tarball);
    const wrapped = readFileSync(join(dir, 'files', 'data.key'));
    wrapped[100] = (wrapped[100] as number) ^ 0xff;
    writeFileSync(join(dir, 'files', 'data.key'), wrapped);
    const tampered = tarWithSystemTar(dir, ['export.json', 'data.key', 'key.pub']);
    await rejectsWith(decryptExport(tampered, keys.privateKey), 'tampered', /^data\.key does not decrypt with the matching private key/);
  });
});

test('a data.key that decrypts to something other than a Fernet key is tampered', async () => {
  const replaced = await packTar([
    { name: 'export.json', data: Buffer.from(fernetEncrypt(generateFernetKey(), fixture)) },
    { name: 'data.key', data: publicEncrypt({ key: keys.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('not a key')) },
    { name: 'key.pub', data: Buffer.from(keys.publicKey) },
  ]);
  await rejectsWith(decryptExport(replaced, keys.privateKey), 'tampered', /^data\.key does not hold a Fernet key/);
});

test('another regular file in the tarball is an unknown tarball entity', async () => {
  await inTempDir(async (dir) => {
    extractWithSystemTar(dir, tarball);
    writeFileSync(join(dir, 'files', 'notes.txt'), 'hello');
    const extra = tarWithSystemTar(dir, ['export.json', 'data.key', 'key.pub', 'notes.txt']);
    await rejectsWith(decryptExport(extra, keys.privateKey), 'unknown-file', /^Unknown tarball entity notes\.txt/);
  });
});

test('a complete tarball without data.key is missing a file, named', async () => {
  await inTempDir(async (dir) => {
    extractWithSystemTar(dir, tarball);
    const partial = tarWithSystemTar(dir, ['export.json', 'key.pub']);
    await rejectsWith(decryptExport(partial, keys.privateKey), 'missing-file', /required file was missing .*: data\.key \(/);
  });
});

test('a regular file given twice is a malformed tarball', async () => {
  // Built with tar-stream: the system tar writes a repeated path as a hard link, which is ignored.
  const twice = await packTar([
    { name: 'export.json', data: Buffer.from('gAAAAA') },
    { name: 'data.key', data: Buffer.alloc(256) },
    { name: 'data.key', data: Buffer.alloc(256) },
    { name: 'key.pub', data: Buffer.from(keys.publicKey) },
  ]);
  await rejectsWith(decryptExport(twice, keys.privateKey), 'malformed-tarball', /holds data\.key more than once/);
});

test('files that are not tarballs are malformed, with a hint when the mistake is recognisable', async () => {
  await rejectsWith(decryptExport(Buffer.concat([fixture, fixture]), keys.privateKey), 'malformed-tarball', /looks like an unencrypted JSON export/);
  await rejectsWith(decryptExport(Buffer.from([0x1f, 0x8b, ...Buffer.alloc(1022)]), keys.privateKey), 'malformed-tarball', /gzip-compressed/);
  await rejectsWith(decryptExport(Buffer.alloc(2048, 'x'), keys.privateKey), 'malformed-tarball', /not a readable tar archive/);
});

test('an unusable private key is a bad-private-key error', async () => {
  await rejectsWith(decryptExport(tarball, 'not a key'), 'bad-private-key', /could not be loaded as an unencrypted PEM private key: it holds no PEM block/);
  await rejectsWith(decryptExport(tarball, keys.publicKey), 'bad-private-key', /could not be loaded .*: it is a public key/);
  const locked = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' },
  });
  await rejectsWith(decryptExport(tarball, locked.privateKey), 'bad-private-key', /passphrase-protected/);
  const lockedTraditional = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' },
  });
  await rejectsWith(decryptExport(tarball, lockedTraditional.privateKey), 'bad-private-key', /passphrase-protected/);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  await rejectsWith(decryptExport(tarball, ec.privateKey), 'bad-private-key', /is of type ec; Sentry exports are encrypted for an RSA key/);
});

test('encrypting needs an RSA public key in PEM', async () => {
  await assert.rejects(encryptExport(fixture, 'not a key'), { name: 'EncryptionError', message: /not a PEM public key/ });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  await assert.rejects(encryptExport(fixture, ec.publicKey), (error: unknown) => error instanceof EncryptionError && /is of type ec/.test(error.message));
  const small = generateKeyPairSync('rsa', { modulusLength: 512, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  await assert.rejects(encryptExport(fixture, small.publicKey), { name: 'EncryptionError', message: /512-bit RSA key, too small/ });
});
