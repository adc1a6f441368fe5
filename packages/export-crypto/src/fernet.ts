import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase64Url, encodeBase64Url } from './base64url.ts';

// Fernet (https://github.com/fernet/spec), the symmetric format Sentry encrypts export.json with:
// token = 0x80 | 8-byte big-endian seconds | 16-byte IV | AES-128-CBC ciphertext (PKCS7) | HMAC-SHA256
// of everything before it. The key is 32 bytes: the HMAC key, then the AES key.

const VERSION = 0x80;
const KEY_BYTES = 32;
const IV_BYTES = 16;
const BLOCK_BYTES = 16;
const HMAC_BYTES = 32;
const HEADER_BYTES = 1 + 8 + IV_BYTES;
// Even empty data pads to one AES block.
const MIN_TOKEN_BYTES = HEADER_BYTES + BLOCK_BYTES + HMAC_BYTES;

/** The token is not a Fernet token, or not one made with this key, or was altered. */
export class InvalidTokenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidTokenError';
  }
}

interface FernetKey {
  signingKey: Buffer;
  encryptionKey: Buffer;
}

function parseKey(key: string): FernetKey {
  const bytes = decodeBase64Url(key);
  if (bytes?.length !== KEY_BYTES) {
    throw new TypeError(`A Fernet key must be ${KEY_BYTES} bytes in URL-safe base64 (44 characters with padding); got ${key.length} characters`);
  }
  return { signingKey: bytes.subarray(0, 16), encryptionKey: bytes.subarray(16) };
}

/** A fresh random key, padded like Python's `Fernet.generate_key()`. */
export function generateFernetKey(): string {
  return encodeBase64Url(randomBytes(KEY_BYTES));
}

/** `now` and `iv` exist for known-answer tests; leave them out to get the current time and a random IV. */
export function fernetEncrypt(key: string, data: Buffer, now: Date = new Date(), iv: Buffer = randomBytes(IV_BYTES)): string {
  const { signingKey, encryptionKey } = parseKey(key);
  if (iv.length !== IV_BYTES) throw new RangeError(`A Fernet IV must be ${IV_BYTES} bytes; got ${iv.length}`);
  const seconds = Math.floor(now.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`A Fernet timestamp must be a date after 1970; got ${String(now)}`);

  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = VERSION;
  header.writeBigUInt64BE(BigInt(seconds), 1);
  iv.copy(header, 9);
  const cipher = createCipheriv('aes-128-cbc', encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  const hmac = createHmac('sha256', signingKey).update(header).update(ciphertext).digest();
  return encodeBase64Url(Buffer.concat([header, ciphertext, hmac]));
}

/** The data in `token`. No TTL is applied, as in Sentry. Throws InvalidTokenError for any bad token. */
export function fernetDecrypt(key: string, token: string): Buffer {
  const { signingKey, encryptionKey } = parseKey(key);
  // Python's decoder skips stray whitespace too; a trailing newline from an editor is the likely case.
  const bytes = decodeBase64Url(token.trim());
  if (bytes === undefined) throw new InvalidTokenError('The Fernet token is not URL-safe base64');
  if (bytes.length < MIN_TOKEN_BYTES) {
    throw new InvalidTokenError(`The Fernet token is too short: ${bytes.length} bytes, where a token has at least ${MIN_TOKEN_BYTES}`);
  }
  if (bytes[0] !== VERSION) throw new InvalidTokenError(`The Fernet token starts with version byte 0x${bytes[0]?.toString(16)}, not 0x80`);

  const signed = bytes.subarray(0, bytes.length - HMAC_BYTES);
  const expected = createHmac('sha256', signingKey).update(signed).digest();
  if (!timingSafeEqual(expected, bytes.subarray(bytes.length - HMAC_BYTES))) {
    throw new InvalidTokenError('The Fernet token HMAC does not match: the token was altered, or made with another key');
  }

  // Past the HMAC the token is authentic, so a failure here means it was built wrong, not altered.
  try {
    const decipher = createDecipheriv('aes-128-cbc', encryptionKey, signed.subarray(9, HEADER_BYTES));
    return Buffer.concat([decipher.update(signed.subarray(HEADER_BYTES)), decipher.final()]);
  } catch (error) {
    throw new InvalidTokenError('The Fernet token ciphertext does not decrypt to padded data', { cause: error });
  }
}
