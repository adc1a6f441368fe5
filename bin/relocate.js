#!/usr/bin/env node
// The CLI is TypeScript, run from a bundle that is rebuilt whenever a source changes (see bundle.js).
import { bundled } from './bundle.js';

process.setSourceMapsEnabled(true);
await import(await bundled('packages/cli/src/main.ts'));
