import { DecryptionError } from './errors.ts';
import { packExportTarball, unpackExportTarball, EXPORT_FILE, KEY_FILE } from './export-tarball.ts';
import { fernetDecrypt, fernetEncrypt, generateFernetKey, InvalidTokenError } from './fernet.ts';
import { assertMatchesPublicKey, canonicalPublicKeyPem, loadPrivateKey, unwrapFernetKey, wrapFernetKey } from './key-wrap.ts';

/**
 * Sentry's encrypted export: the JSON under a fresh Fernet key, that key wrapped for `publicKeyPem`,
 * and the public key itself, as a tarball Sentry's importer (and `decryptExport`) can read.
 */
export async function encryptExport(plaintext: Buffer, publicKeyPem: string): Promise<Buffer> {
  const publicKey = canonicalPublicKeyPem(publicKeyPem);
  const fernetKey = generateFernetKey();
  return packExportTarball({
    exportToken: Buffer.from(fernetEncrypt(fernetKey, plaintext), 'ascii'),
    encryptedKey: wrapFernetKey(fernetKey, publicKey),
    publicKeyPem: Buffer.from(publicKey, 'utf8'),
  });
}

/** The export JSON bytes in a tarball made by Sentry's `export --encrypt-with` (or `encryptExport`). */
export async function decryptExport(tarball: Buffer, privateKeyPem: string): Promise<Buffer> {
  const files = await unpackExportTarball(tarball);
  const privateKey = loadPrivateKey(privateKeyPem);
  assertMatchesPublicKey(privateKey, files.publicKeyPem);
  const fernetKey = unwrapFernetKey(privateKey, files.encryptedKey);
  try {
    return fernetDecrypt(fernetKey, files.exportToken.toString('latin1'));
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      throw new DecryptionError('tampered', `${EXPORT_FILE} does not decrypt with the key in ${KEY_FILE}: ${error.message}`, { cause: error });
    }
    // data.key decrypted under the right private key, yet is not a Fernet key: it was replaced.
    throw new DecryptionError('tampered', `${KEY_FILE} does not hold a Fernet key: it was replaced after export`, { cause: error });
  }
}
