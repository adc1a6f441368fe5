import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RelocationSummary } from '@relocate/database';
import { disconnect } from '@relocate/pipeline';
import { rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { importExample } from '../harness/example.ts';
import { runCli } from '../harness/processes.ts';

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

test('a truncated export fails the relocation with a finding that says where, and keeps its organization hidden', async () => {
  const text = JSON.stringify([
    { model: 'sentry.organization', pk: 1, fields: { name: 'Half', slug: 'half', status: 0, date_added: '2024-01-01T00:00:00.000Z', default_role: 'member', is_test: false, flags: '1' } },
    { model: 'sentry.team', pk: 2, fields: { organization: 1, slug: 't', name: 'T', status: 0, idp_provisioned: false, date_added: '2024-01-01T00:00:00.000Z' } },
  ]);
  const file = path.join(scratch, 'truncated.json');
  writeFileSync(file, text.slice(0, text.length - 30));
  const run = await runCli(['import', file, '--relocation-id', 'embedded-truncated', '--json'], world.env);
  assert.equal(run.code, 1);
  const summary = run.result as RelocationSummary;
  assert.equal(summary.status, 'failure');
  assert.equal(summary.findings.length, 1);
  assert.equal(summary.findings[0]?.kind, 'DeserializationFailed');
  assert.match(summary.findings[0]?.reason ?? '', /not a valid JSON array of records: .*expected.*records were read before it/);
  assert.match(summary.reason ?? '', /embedded-truncated/);
  assert.equal(await rowCount(world.connections.pool, `sentry_organization WHERE name = 'Half'`), 0);
});

test('a record referring to a pk the export lacks is named by model, pk and field', async () => {
  const file = path.join(scratch, 'dangling.json');
  writeFileSync(file, JSON.stringify([
    { model: 'sentry.team', pk: 9, fields: { organization: 404, slug: 'orphans', name: 'Orphans', status: 0, idp_provisioned: false, date_added: '2024-01-01T00:00:00.000Z' } },
  ]));
  const findingsFile = path.join(scratch, 'findings.json');
  const run = await runCli(['import', file, '--relocation-id', 'embedded-dangling', '--findings-file', findingsFile, '--json'], world.env);
  assert.equal(run.code, 1);
  const summary = run.result as RelocationSummary;
  assert.deepEqual(JSON.parse(readFileSync(findingsFile, 'utf8')), summary.findings.map((f) => ({ relocationId: 'embedded-dangling', ...f })));
  assert.deepEqual(
    summary.findings.map((f) => [f.kind, f.model, f.pk, f.field]),
    [['DanglingForeignKey', 'sentry.team', 9, 'organization']],
  );
  assert.equal(await rowCount(world.connections.pool, `sentry_team WHERE slug = 'orphans'`), 0);
});
