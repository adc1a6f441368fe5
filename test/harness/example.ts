import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { RelocationSummary } from '@relocate/database';
import { rowCount } from './digest.ts';
import type { TestEnvironment } from './environment.ts';
import { type CliRun, runCli } from './processes.ts';

const example = (f: string): string => fileURLToPath(new URL(`../../examples/${f}`, import.meta.url));

/** `relocate import` of the README example as a user runs it, checked to have relocated acme with its 40 events. */
export async function importExample(world: TestEnvironment): Promise<{ run: CliRun; summary: RelocationSummary }> {
  const run = await runCli(['import', example('acme-export.json'), '--events', example('acme-events.ndjson'), '--json'], world.env);
  assert.equal(run.code, 0, run.stderr.slice(-3000));
  const summary = run.result as RelocationSummary;
  assert.equal(summary.status, 'success');
  assert.equal(summary.events, 40);
  assert.deepEqual(summary.slugs, { acme: 'acme' });
  assert.equal(await rowCount(world.connections.pool, `sentry_organization WHERE slug = 'acme' AND status = 0`), 1);
  return { run, summary };
}
