/** Why an encrypted export could not be decrypted; each calls for a different fix by the user. */
export type DecryptionFailure =
  | 'wrong-key'
  | 'tampered'
  | 'truncated'
  | 'malformed-tarball'
  | 'missing-file'
  | 'unknown-file'
  | 'bad-private-key';

export class DecryptionError extends Error {
  readonly reason: DecryptionFailure;
  constructor(reason: DecryptionFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DecryptionError';
    this.reason = reason;
  }
}

/** The public key given to encrypt with cannot wrap a Fernet key the way Sentry does. */
export class EncryptionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EncryptionError';
  }
}
