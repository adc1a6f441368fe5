import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RelocationSummary } from '@relocate/database';
import { defaultShape, type ExportShape, SyntheticExport, writeExport, type WrittenExport } from '@relocate/export-generator';
import { disconnect } from '@relocate/pipeline';
import { rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { runCli } from '../harness/processes.ts';

// Three organizations, small enough to be quick; batches of 40 records cut every model into several batches.
const shape: ExportShape = { ...defaultShape, organizations: 3, usersPerOrganization: 30, teamsPerOrganization: 4, projectsPerOrganization: 5, eventsPerOrganization: 25 };
let world: TestEnvironment;
let written: WrittenExport;

before(async () => {
  world = await testEnvironment('synthetic');
  const dir = mkdtempSync(path.join(tmpdir(), 'relocate-synthetic-'));
  written = await writeExport({ shape, seed: 42, exportPath: path.join(dir, 'export.json'), eventsPath: path.join(dir, 'events.ndjson') });
});

after(async () => {
  await disconnect(world.connections);
});

test('a generated export relocates whole: every model, every event, and foreign keys that still pair up', async () => {
  const run = await runCli(['import', written.exportPath, '--events', written.eventsPath, '--json'], { ...world.env, RELOCATE_BATCH_RECORDS: '40' });
  assert.equal(run.code, 0, run.stderr.slice(-3000));
  const summary = run.result as RelocationSummary;
  assert.equal(summary.status, 'success');
  assert.deepEqual(summary.findings, []);
  assert.deepEqual(
    Object.fromEntries(Object.entries(summary.models).map(([m, c]) => [m, c.inserted])),
    written.models,
  );
  assert.equal(summary.events, written.events);
  const slugs = Array.from({ length: shape.organizations }, (_, o) => new SyntheticExport(shape, 42).organizationIdentity(o).slug);
  assert.deepEqual(summary.slugs, Object.fromEntries(slugs.map((s) => [s, s])));

  const pool = world.connections.pool;
  const users = shape.organizations * shape.usersPerOrganization;
  // Each member still belongs to the user whose email it carries, and each team membership stays inside one organization.
  assert.equal(await rowCount(pool, 'sentry_organizationmember m JOIN auth_user u ON u.id = m.user_id WHERE u.email = m.user_email'), users);
  assert.equal(await rowCount(pool, `sentry_organizationmember_teams mt JOIN sentry_team t ON t.id = mt.team_id
    JOIN sentry_organizationmember m ON m.id = mt.organizationmember_id WHERE t.organization_id = m.organization_id`), users * shape.teamsPerMember);
  // Everyone but an organization's owner was invited by that owner.
  assert.equal(await rowCount(pool, `sentry_organizationmember m JOIN sentry_organizationmember o
    ON o.organization_id = m.organization_id AND o.role = 'owner' AND o.user_id = m.inviter_id`), users - shape.organizations);
  assert.equal(await rowCount(pool, `relocate.saved_event e JOIN sentry_project p ON p.id = e.project_id`), written.events);
});
