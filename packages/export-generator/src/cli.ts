import { parseArgs } from 'node:util';
import path from 'node:path';
import { parseBytes, parseRows, shapeForRows } from './shape.ts';
import { shapeForBytes, writeExport } from './write.ts';

const usage = `usage: node --import tsx packages/export-generator/src/cli.ts (--rows 10k|100k|1M | --size 1GB) [--seed N] [--out DIR]
Writes DIR/export.json (a Sentry export) and DIR/events.ndjson (its events), and prints what it wrote as JSON.`;

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: '.' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || (values.rows === undefined) === (values.size === undefined)) {
  process.stderr.write(`${usage}\n`);
  process.exit(values.help ? 0 : 2);
}
try {
  const seed = Number(values.seed);
  const shape = values.rows !== undefined ? shapeForRows(parseRows(values.rows)) : shapeForBytes(parseBytes(values.size as string), seed);
  const written = await writeExport({ shape, seed, exportPath: path.join(values.out, 'export.json'), eventsPath: path.join(values.out, 'events.ndjson') });
  process.stdout.write(`${JSON.stringify(written)}\n`);
} catch (err) {
  process.stderr.write(`generate-export: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
