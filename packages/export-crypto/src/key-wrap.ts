import { constants, createHash, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { DecryptionError, EncryptionError } from './errors.ts';
import { KEY_FILE, PUBLIC_KEY_FILE } from './export-tarball.ts';

// Sentry wraps the per-export Fernet key with RSA-OAEP, SHA-256 for both OAEP and MGF1, no label.
// Node's `oaepHash` sets the MGF1 hash too.
const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;
// OAEP-SHA-256 fits a message of (modulus bytes - 66); the data key is 44 bytes.
const MIN_MODULUS_BITS = (44 + 66) * 8;

/**
 * The public key as the SubjectPublicKeyInfo PEM Sentry (Python's `cryptography`) writes, whatever
 * PEM form it came in. Sentry's importer compares key.pub to this byte for byte, so only this form
 * can be decrypted there.
 */
export function canonicalPublicKeyPem(publicKeyPem: string): string {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicKeyPem, format: 'pem' });
  } catch (error) {
    throw new EncryptionError(`The public key to encrypt with is not a PEM public key: ${messageOf(error)}`, { cause: error });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new EncryptionError(`The public key to encrypt with is of type ${key.asymmetricKeyType ?? 'unknown'}; Sentry exports are encrypted with an RSA key`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_MODULUS_BITS) {
    throw new EncryptionError(`The public key to encrypt with is a ${bits}-bit RSA key, too small to wrap the data key with OAEP-SHA-256; use 2048 bits or more`);
  }
  return key.export({ type: 'spki', format: 'pem' }) as string;
}

export function wrapFernetKey(fernetKey: string, publicKeyPem: string): Buffer {
  try {
    return publicEncrypt({ key: publicKeyPem, ...OAEP }, Buffer.from(fernetKey, 'ascii'));
  } catch (error) {
    throw new EncryptionError(`The data key could not be encrypted with the public key: ${messageOf(error)}`, { cause: error });
  }
}

// PKCS#8 "ENCRYPTED PRIVATE KEY", or a traditional PEM with an encryption header.
const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type: 4,ENCRYPTED/m;
const PUBLIC_PEM = /-----BEGIN (RSA )?PUBLIC KEY-----/;

export function loadPrivateKey(privateKeyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: privateKeyPem, format: 'pem' });
  } catch (error) {
    // OpenSSL's own error for this ("interrupted or cancelled") does not say what is wrong.
    const why = ENCRYPTED_PEM.test(privateKeyPem)
      ? 'it is passphrase-protected; remove the passphrase first (openssl pkey -in key.pem -out plain.pem)'
      : PUBLIC_PEM.test(privateKeyPem)
        ? 'it is a public key; decrypt with the private key that pairs with it'
        : !privateKeyPem.includes('-----BEGIN ')
          ? 'it holds no PEM block (-----BEGIN PRIVATE KEY-----)'
          : messageOf(error);
    throw new DecryptionError('bad-private-key', `The private key to decrypt with could not be loaded as an unencrypted PEM private key: ${why}`, {
      cause: error,
    });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new DecryptionError('bad-private-key', `The private key to decrypt with is of type ${key.asymmetricKeyType ?? 'unknown'}; Sentry exports are encrypted for an RSA key`);
  }
  return key;
}

/** Like Sentry: the private key's public half must be exactly the key.pub the export was made for. */
export function assertMatchesPublicKey(privateKey: KeyObject, publicKeyPem: Buffer): void {
  const ours = createPublicKey(privateKey);
  const oursPem = Buffer.from(ours.export({ type: 'spki', format: 'pem' }) as string, 'utf8');
  if (oursPem.equals(publicKeyPem)) return;

  const theirs = parsePublicKey(publicKeyPem);
  const detail =
    theirs === undefined
      ? `${PUBLIC_KEY_FILE} is not a PEM public key`
      : theirs.equals(ours)
        ? `${PUBLIC_KEY_FILE} holds this key, but not in the exact SubjectPublicKeyInfo PEM form Sentry writes and compares`
        : `the export was encrypted for key ${fingerprint(theirs)}, and this private key is ${fingerprint(ours)}`;
  throw new DecryptionError('wrong-key', `The public key does not match the private key given to decrypt with: ${detail}`);
}

export function unwrapFernetKey(privateKey: KeyObject, encryptedKey: Buffer): string {
  let key: Buffer;
  try {
    key = privateDecrypt({ key: privateKey, ...OAEP }, encryptedKey);
  } catch (error) {
    throw new DecryptionError('tampered', `${KEY_FILE} does not decrypt with the matching private key: it was altered or corrupted after export`, {
      cause: error,
    });
  }
  return key.toString('latin1');
}

function parsePublicKey(pem: Buffer): KeyObject | undefined {
  try {
    return createPublicKey({ key: pem, format: 'pem' });
  } catch {
    return undefined;
  }
}

/** `SHA256:<base64>` of the SubjectPublicKeyInfo DER, so two keys can be told apart in a message. */
function fingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
