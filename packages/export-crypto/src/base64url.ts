// Fernet keys and tokens are URL-safe base64. Python writes them with `=` padding; other Fernet
// implementations leave it off, so both are read. Node's own base64url decoder silently skips
// characters outside the alphabet, which would let a mangled token through to the HMAC check with a
// misleading message, so the alphabet and length are checked here first.

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** URL-safe base64 with `=` padding, as Python's `base64.urlsafe_b64encode` writes it. */
export function encodeBase64Url(bytes: Buffer): string {
  const unpadded = bytes.toString('base64url');
  return unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
}

/** The bytes of padded or unpadded URL-safe base64, or undefined when `text` is not that. */
export function decodeBase64Url(text: string): Buffer | undefined {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const body = text.slice(0, text.length - padding);
  if (!ALPHABET.test(body) || body.length % 4 === 1) return undefined;
  if (padding > 0 && text.length % 4 !== 0) return undefined;
  return Buffer.from(body, 'base64url');
}
