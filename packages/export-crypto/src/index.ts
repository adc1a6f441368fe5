export { DecryptionError, EncryptionError, type DecryptionFailure } from './errors.ts';
export { fernetDecrypt, fernetEncrypt, generateFernetKey, InvalidTokenError } from './fernet.ts';
