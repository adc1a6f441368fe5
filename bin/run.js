#!/usr/bin/env node
// Runs a TypeScript entry point (a service's main.ts, a bench contestant) from its bundle, as the CLI runs:
//   node bin/run.js services/writer/src/main.ts [args...]
import path from 'node:path';
import { bundled } from './bundle.js';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node bin/run.js <entry.ts> [args...]\n');
  process.exit(2);
}
// The entry reads its arguments as if started directly.
process.argv = [process.argv[0] ?? 'node', path.resolve(entry), ...args];
process.setSourceMapsEnabled(true);
await import(await bundled(entry));
