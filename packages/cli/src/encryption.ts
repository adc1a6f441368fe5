import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DecryptionError, decryptExport, encryptExport } from '@relocate/export-crypto';

/** A decrypted export on local disk, readable only by this user, removed by `dispose`. */
export interface DecryptedExport { path: string; dispose(): Promise<void> }

/**
 * Decrypts Sentry's encrypted export tarball locally with the user's private key. The plaintext is held once in
 * memory (Fernet authenticates the whole token before decrypting any of it) and then streamed from a private
 * temporary file like any plain export.
 */
export async function decryptToFile(tarballPath: string, privateKeyPath: string): Promise<DecryptedExport> {
  const [tarball, key] = await Promise.all([readFile(tarballPath), readFile(privateKeyPath, 'utf8')]);
  const plaintext = await decryptExport(tarball, key);
  const file = path.join(tmpdir(), `relocate-decrypted-${randomUUID()}.json`);
  await writeFile(file, plaintext, { mode: 0o600 });
  return { path: file, dispose: () => rm(file, { force: true }) };
}

export async function encryptFile(exportPath: string, publicKeyPath: string, outPath: string): Promise<void> {
  const [plaintext, key] = await Promise.all([readFile(exportPath), readFile(publicKeyPath, 'utf8')]);
  await writeFile(outPath, await encryptExport(plaintext, key));
}

export { DecryptionError };
