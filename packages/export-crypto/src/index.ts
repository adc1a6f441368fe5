export { DecryptionError, EncryptionError, type DecryptionFailure } from './errors.ts';
export { decryptExport, encryptExport } from './export-crypto.ts';
export { fernetDecrypt, fernetEncrypt, generateFernetKey, InvalidTokenError } from './fernet.ts';
