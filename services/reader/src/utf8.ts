import { isUtf8 } from 'node:buffer';
import { BadInputError } from '@relocate/domain';

/**
 * Checks a file arriving in chunks is valid UTF-8. The JSON parser decodes with a StringDecoder, which turns
 * invalid bytes into U+FFFD silently; this refuses them instead, saying at which byte and line of the file.
 */
export class Utf8Check {
  private pending = Buffer.alloc(0);
  private offset = 0;
  private line = 1;
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  /** Checks the next chunk; a character split across chunks is completed by the next one. */
  push(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let valid = data.length;
    if (!isUtf8(data)) {
      const at = firstInvalid(data);
      if (!at.truncated) this.fail(data, at.index);
      valid = at.index;
    }
    this.pending = Buffer.from(data.subarray(valid));
    this.advance(data, valid);
  }

  /** The file ended: a character still incomplete is invalid. */
  end(): void {
    if (this.pending.length > 0) this.fail(this.pending, 0);
  }

  private advance(data: Buffer, upTo: number): void {
    for (let i = data.indexOf(10); i !== -1 && i < upTo; i = data.indexOf(10, i + 1)) this.line++;
    this.offset += upTo;
  }

  private fail(data: Buffer, index: number): never {
    this.advance(data, index);
    const bytes = [...data.subarray(index, index + 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new BadInputError({
      kind: 'InvalidUtf8', model: null, pk: null, field: null,
      reason: `the ${this.file} is not valid UTF-8 at byte ${this.offset} (line ${this.line}): ${bytes}`,
    });
  }
}

/**
 * The first byte that does not begin a well-formed UTF-8 sequence (Unicode table 3-7: no overlong forms, no
 * surrogates, nothing past U+10FFFF). `truncated` when it begins one that the data ends in the middle of.
 */
export function firstInvalid(b: Uint8Array): { index: number; truncated: boolean } {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const shape = leadShape(c);
    if (!shape) return { index: i, truncated: false };
    for (let k = 1; k <= shape.continuation; k++) {
      const d = b[i + k];
      if (d === undefined) return { index: i, truncated: true };
      const [lo, hi] = k === 1 ? [shape.lo, shape.hi] : [0x80, 0xbf];
      if (d < lo || d > hi) return { index: i, truncated: false };
    }
    i += shape.continuation + 1;
  }
  return { index: b.length, truncated: false };
}

/** How many continuation bytes a lead byte takes, and the range its first one must be in. */
function leadShape(c: number): { continuation: number; lo: number; hi: number } | undefined {
  if (c >= 0xc2 && c <= 0xdf) return { continuation: 1, lo: 0x80, hi: 0xbf };
  if (c === 0xe0) return { continuation: 2, lo: 0xa0, hi: 0xbf };
  if (c === 0xed) return { continuation: 2, lo: 0x80, hi: 0x9f };
  if (c >= 0xe1 && c <= 0xef) return { continuation: 2, lo: 0x80, hi: 0xbf };
  if (c === 0xf0) return { continuation: 3, lo: 0x90, hi: 0xbf };
  if (c >= 0xf1 && c <= 0xf3) return { continuation: 3, lo: 0x80, hi: 0xbf };
  if (c === 0xf4) return { continuation: 3, lo: 0x80, hi: 0x8f };
  return undefined;
}
