import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { stageNames } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { assertVerified } from '../harness/verify.ts';

// Small exports shaped as earlier Sentry releases wrote them (after the snapshots in Sentry's tests/sentry/backup/
// and fixtures/backup/23.7.1.json; references by natural key, as 23.7.1 wrote some user fields, are not covered).
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/older-releases/${name}`, import.meta.url));
let world: TestEnvironment;
let hosted: HostedStages;

before(async () => {
  world = await testEnvironment('older_releases');
  hosted = await hostStages(world.connections, [...stageNames]);
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

/** Relocates in global scope (23.7's API keys and auth providers are global), then verifies the whole file. */
async function relocate(name: string): Promise<RelocationSummary> {
  const file = fixture(name);
  const { summary } = await runImport(world.connections, {
    relocationId: `older-${name}`, exportPath: file,
    options: { scope: 'GLOBAL', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null },
  }, { timeoutMs: 60_000 });
  assert.equal(summary.status, 'success', JSON.stringify(summary.findings));
  await assertVerified(world.connections.pool, summary.relocationId, file);
  return summary;
}

const named = (s: RelocationSummary): string[][] => s.findings.map((f) => [f.kind, f.model ?? '', String(f.pk), f.field ?? '']).sort();

test('23.7: API keys and auth providers before their organizations are written after them, nothing refused', async () => {
  const s = await relocate('23.7-models-out-of-order.json');
  assert.deepEqual(s.models['sentry.apikey'], { inserted: 1, existing: 0, overwritten: 0 });
  assert.deepEqual(s.models['sentry.authprovider'], { inserted: 1, existing: 0, overwritten: 0 });
  assert.deepEqual(s.models['sentry.team'], { inserted: 2, existing: 0, overwritten: 0 });
  assert.deepEqual(named(s), [
    ['DeletedField', 'sentry.team', '1', 'actor'], ['DeletedField', 'sentry.team', '2', 'actor'],
    ['DeletedModel', 'sentry.actor', '1', ''], ['DeletedModel', 'sentry.actor', '2', ''], ['DeletedModel', 'sentry.actor', '3', ''],
    ['UnknownModel', 'sites.site', '1', ''],
  ]);
  const { rows } = await world.connections.pool.query<{ org: string }>(
    `SELECT o.name AS org FROM sentry_apikey k JOIN sentry_organization o ON o.id = k.organization_id
     WHERE k.id = (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.apikey')`, [s.relocationId]);
  assert.deepEqual(rows, [{ org: 'Older-23-7' }], 'the key belongs to the organization it named, remapped');
});

test('23.9 to 24.4: every sentry.actor record and every field that named one is reported, the rest imports', async () => {
  const s = await relocate('24.4-deleted-actor.json');
  assert.deepEqual(s.models['sentry.rule'], { inserted: 1, existing: 0, overwritten: 0 });
  assert.deepEqual(named(s), [
    ['DeletedField', 'sentry.rule', '1', 'owner'], ['DeletedField', 'sentry.team', '1', 'actor'],
    ['DeletedModel', 'sentry.actor', '1', ''], ['DeletedModel', 'sentry.actor', '2', ''],
  ]);
});

test('a newer release: a model this importer does not know and a field with no column are each named', async () => {
  const s = await relocate('newer-release-unknown-model-and-field.json');
  assert.deepEqual(s.models['sentry.organization'], { inserted: 2, existing: 0, overwritten: 0 });
  assert.deepEqual(named(s), [['UnknownField', 'sentry.organization', '2', 'region_pinned'], ['UnknownModel', 'sentry.futuremodel', '1', '']]);
});
