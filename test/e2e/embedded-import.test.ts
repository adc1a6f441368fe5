import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RelocationSummary } from '@relocate/database';
import { disconnect } from '@relocate/pipeline';
import { rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { importExample } from '../harness/example.ts';
import { runCli } from '../harness/processes.ts';

const corpus = (f: string): string => fileURLToPath(new URL(`../corpus/${f}`, import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'relocate-embedded-'));
let world: TestEnvironment;

before(async () => {
  world = await testEnvironment('embedded');
});

after(async () => {
  await disconnect(world.connections);
});

test('with no services running, import hosts every stage itself and relocates the README example', async () => {
  const { summary } = await importExample(world);
  assert.deepEqual(summary.models['sentry.organizationmember'], { inserted: 4, existing: 0, overwritten: 0 });
  // Organization scope: the example's users arrive unclaimed and without privileges.
  assert.equal(await rowCount(world.connections.pool, 'auth_user WHERE is_unclaimed AND NOT is_superuser AND NOT is_staff'), 3);
});

test('--findings-file writes the findings of the result, each with its relocation', async () => {
  const findingsFile = path.join(scratch, 'findings.json');
  const run = await runCli(['import', corpus('dangling-foreign-key.json'), '--relocation-id', 'embedded-findings', '--findings-file', findingsFile, '--json'], world.env);
  assert.equal(run.code, 1);
  const summary = run.result as RelocationSummary;
  assert.ok(summary.findings.length > 0);
  assert.deepEqual(JSON.parse(readFileSync(findingsFile, 'utf8')), summary.findings.map((f) => ({ relocationId: 'embedded-findings', ...f })));
});
