import { extract, pack } from 'tar-stream';
import { DecryptionError } from './errors.ts';

// The outer container of Sentry's encrypted export: a plain tar of exactly these three files. The
// names are load-bearing; Sentry's importer looks them up by name.
export const EXPORT_FILE = 'export.json';
export const KEY_FILE = 'data.key';
export const PUBLIC_KEY_FILE = 'key.pub';
const FILE_NAMES = [EXPORT_FILE, KEY_FILE, PUBLIC_KEY_FILE] as const;

const BLOCK = 512;

export interface ExportTarballFiles {
  /** export.json: the Fernet token of the export JSON, as ASCII. */
  exportToken: Buffer;
  /** data.key: the Fernet key, RSA-OAEP encrypted. */
  encryptedKey: Buffer;
  /** key.pub: the SubjectPublicKeyInfo PEM the key was encrypted with. */
  publicKeyPem: Buffer;
}

export interface TarEntry {
  name: string;
  data: Buffer;
}

/** A plain (uncompressed) tar of regular files, in order, ending with the end-of-archive marker. */
export async function packTar(entries: readonly TarEntry[]): Promise<Buffer> {
  const tar = pack();
  for (const { name, data } of entries) tar.entry({ name, type: 'file', size: data.length, mode: 0o644 }, data);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The tarball Sentry writes: export.json, data.key, key.pub, in that order. */
export function packExportTarball(files: ExportTarballFiles): Promise<Buffer> {
  return packTar([
    { name: EXPORT_FILE, data: files.exportToken },
    { name: KEY_FILE, data: files.encryptedKey },
    { name: PUBLIC_KEY_FILE, data: files.publicKeyPem },
  ]);
}

/**
 * The three files of an encrypted export tarball, in any order. Like Sentry, members that are not
 * regular files are ignored and any other regular file is an error.
 */
export async function unpackExportTarball(tarball: Buffer): Promise<ExportTarballFiles> {
  const files = new Map<string, Buffer>();
  // Where the last member's (block-padded) data ends; the end-of-archive marker should follow it.
  let membersEnd = 0;
  // The member being read, to say where a truncated tarball stops.
  let reading: string | undefined;
  const reader = extract();
  reader.end(tarball);
  try {
    for await (const entry of reader) {
      const { name, type, size } = entry.header;
      membersEnd = entry.offset + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
      if (type !== 'file' && type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      if (!isExportFileName(name)) {
        throw new DecryptionError(
          'unknown-file',
          `Unknown tarball entity ${name}: an encrypted export tarball holds only ${FILE_NAMES.join(', ')}, at its top level`,
        );
      }
      if (files.has(name)) {
        throw new DecryptionError('malformed-tarball', `The encrypted export tarball holds ${name} more than once`);
      }
      reading = name;
      files.set(name, await readAll(entry));
      reading = undefined;
    }
  } catch (error) {
    if (error instanceof DecryptionError) throw error;
    throw tarReadError(tarball, reading, error);
  }

  const missing = FILE_NAMES.filter((n) => !files.has(n));
  if (missing.length > 0) {
    if (!hasZeroBlockAt(tarball, membersEnd)) {
      throw new DecryptionError(
        'truncated',
        `The encrypted export tarball is truncated: it stops after ${tarball.length} bytes, before ${missing.join(', ')} and the end of the archive. Copy or download it again`,
      );
    }
    throw new DecryptionError(
      'missing-file',
      `A required file was missing from the encrypted export tarball: ${missing.join(', ')} (it must hold ${FILE_NAMES.join(', ')})`,
    );
  }
  return {
    exportToken: files.get(EXPORT_FILE) as Buffer,
    encryptedKey: files.get(KEY_FILE) as Buffer,
    publicKeyPem: files.get(PUBLIC_KEY_FILE) as Buffer,
  };
}

function isExportFileName(name: string): name is (typeof FILE_NAMES)[number] {
  return (FILE_NAMES as readonly string[]).includes(name);
}

async function readAll(entry: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of entry) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// A tar writer puts the end-of-archive marker (zero blocks) right after the last member, so its
// absence tells a file cut short at a block boundary from a complete one with a file left out.
function hasZeroBlockAt(tarball: Buffer, offset: number): boolean {
  if (tarball.length < offset + BLOCK) return false;
  return tarball.subarray(offset, offset + BLOCK).every((b) => b === 0);
}

function tarReadError(tarball: Buffer, reading: string | undefined, error: unknown): DecryptionError {
  const detail = error instanceof Error ? error.message : String(error);
  if (tarball[0] === 0x1f && tarball[1] === 0x8b) {
    return new DecryptionError(
      'malformed-tarball',
      'The encrypted export is gzip-compressed; Sentry writes a plain tar. Decompress it (gunzip) and try again',
      { cause: error },
    );
  }
  const start = tarball.subarray(0, 64).toString('latin1').trimStart();
  if (start.startsWith('[') || start.startsWith('{')) {
    return new DecryptionError(
      'malformed-tarball',
      'The file looks like an unencrypted JSON export, not an encrypted export tarball; import it without a decryption key',
      { cause: error },
    );
  }
  if (detail === 'Unexpected end of data') {
    return new DecryptionError(
      'truncated',
      `The encrypted export tarball is truncated: it stops after ${tarball.length} bytes, part-way through ${reading ?? 'a tar header'}. Copy or download it again`,
      { cause: error },
    );
  }
  return new DecryptionError('malformed-tarball', `The encrypted export is not a readable tar archive (${detail})`, { cause: error });
}
