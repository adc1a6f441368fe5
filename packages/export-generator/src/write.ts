import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SyntheticExport } from './generate.ts';
import { defaultShape, type ExportShape, modelCounts, totalRows } from './shape.ts';

// Records are joined into pieces of about this size before they reach the file stream.
const pieceChars = 256 * 1024;

/** The export as Sentry writes it: a JSON array, one record per element, indented by 2 (Django's serializer). */
export function* exportText(generated: SyntheticExport): Generator<string> {
  let piece = '[';
  let first = true;
  for (const record of generated.records()) {
    piece += `${first ? '\n' : ',\n'}${JSON.stringify(record, null, 2)}`;
    first = false;
    if (piece.length >= pieceChars) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}\n]\n`;
}

/** The events file: one compact JSON event per line. */
export function* eventsText(generated: SyntheticExport): Generator<string> {
  let piece = '';
  for (const event of generated.events()) {
    piece += `${JSON.stringify(event)}\n`;
    if (piece.length >= pieceChars) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}

export interface WrittenExport {
  exportPath: string;
  eventsPath: string;
  shape: ExportShape;
  seed: number;
  /** Export records plus events. */
  rows: number;
  records: number;
  events: number;
  models: Record<string, number>;
  exportBytes: number;
  eventsBytes: number;
}

async function writeText(path: string, text: Generator<string>): Promise<number> {
  let bytes = 0;
  const counted = Readable.from((function* () {
    for (const piece of text) {
      bytes += Buffer.byteLength(piece);
      yield piece;
    }
  })());
  // Readable.from waits for the file stream to drain, so memory holds one piece whatever the size.
  await pipeline(counted, createWriteStream(path));
  return bytes;
}

/** Streams a synthetic export and its events file to disk. */
export async function writeExport(opts: { shape: ExportShape; seed?: number; exportPath: string; eventsPath: string }): Promise<WrittenExport> {
  const generated = new SyntheticExport(opts.shape, opts.seed);
  const exportBytes = await writeText(opts.exportPath, exportText(generated));
  const eventsBytes = await writeText(opts.eventsPath, eventsText(generated));
  const models = Object.fromEntries(modelCounts(opts.shape).filter(([, n]) => n > 0));
  const records = Object.values(models).reduce((a, b) => a + b, 0);
  return {
    exportPath: opts.exportPath,
    eventsPath: opts.eventsPath,
    shape: opts.shape,
    seed: generated.seed,
    rows: totalRows(opts.shape),
    records,
    events: generated.eventCount,
    models,
    exportBytes,
    eventsBytes,
  };
}

/**
 * The default shape grown to about `bytes` of export plus events. One organization's size is measured by
 * serializing it, so the estimate follows any change to the record shapes.
 */
export function shapeForBytes(bytes: number, seed = 1): ExportShape {
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new RangeError(`size must be a positive number of bytes, got ${bytes}`);
  const one = new SyntheticExport({ ...defaultShape, organizations: 1 }, seed);
  let perOrganization = 0;
  for (const piece of exportText(one)) perOrganization += Buffer.byteLength(piece);
  for (const piece of eventsText(one)) perOrganization += Buffer.byteLength(piece);
  return { ...defaultShape, organizations: Math.max(1, Math.round(bytes / perOrganization)) };
}
