import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stageNames, type ImportOptions } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { sentryFixturesDir } from '../harness/fixtures.ts';
import { assertVerified } from '../harness/verify.ts';

/** Sentry's per-model rules beyond the collision rules: LostPasswordHash, user IPs and options, monitors, saved searches, dangling references. */

type ExportRecord = { model: string; pk: number; fields: Record<string, unknown> };
const fixturesDir = sentryFixturesDir;
const fixture = (name: string): string => path.join(fixturesDir, name);
const records = (name: string): ExportRecord[] => JSON.parse(readFileSync(fixture(name), 'utf8')) as ExportRecord[];
const scratch = mkdtempSync(path.join(tmpdir(), 'relocate-rules-'));
let world: TestEnvironment;
let hosted: HostedStages;
let counter = 0;

const defaults: ImportOptions = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null };

async function relocate(file: string, options: Partial<ImportOptions> = {}): Promise<RelocationSummary> {
  const { summary } = await runImport(world.connections, { relocationId: `rules-${++counter}`, exportPath: file, options: { ...defaults, ...options } }, { timeoutMs: 60_000 });
  // Every relocation that succeeds must also pass verify, the oracle of the fidelity tests.
  if (summary.status === 'success') await assertVerified(world.connections.pool, summary.relocationId, file);
  return summary;
}

function exportOf(list: ExportRecord[]): string {
  const file = path.join(scratch, `export-${++counter}.json`);
  writeFileSync(file, JSON.stringify(list));
  return file;
}

const count = (table: string): Promise<number> => rowCount(world.connections.pool, table);
const query = async <T extends object>(sql: string, params: unknown[] = []): Promise<T[]> => (await world.connections.pool.query<T>(sql, params)).rows;
const errors = (s: RelocationSummary): unknown[][] => s.findings.filter((f) => f.severity === 'error').map((f) => [f.kind, f.model, f.pk, f.field]);

/** The minimum-privileges user with its user IPs and options replaced. */
function userWith(extra: ExportRecord[], username: string): ExportRecord[] {
  const base = records('user-with-minimum-privileges.json').filter((r) => r.model !== 'sentry.userip' && r.model !== 'sentry.useroption');
  const user = base.find((r) => r.model === 'sentry.user') as ExportRecord;
  user.fields.username = username;
  return [...base, ...extra];
}
const userIp = (pk: number, ip: string): ExportRecord => ({
  model: 'sentry.userip', pk,
  fields: { user: 2, ip_address: ip, country_code: 'AT', region_code: '9', first_seen: '2012-04-05T03:29:45.000Z', last_seen: '2012-04-05T03:29:45.000Z' },
});
const timezone = (pk: number, zone: string): ExportRecord => ({
  model: 'sentry.useroption', pk, fields: { user: 2, project_id: null, organization_id: null, key: 'timezone', value: JSON.stringify(zone) },
});

before(async () => {
  world = await testEnvironment('model_rules');
  hosted = await hostStages(world.connections, [...stageNames]);
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

describe('lost password hashes', () => {
  test('lost password hash: every user an organization-scope relocation inserts gets one, a global relocation none', async () => {
    const users = records('fresh-install.json').filter((r) => r.model === 'sentry.user').length;
    const before = await count('sentry_lostpasswordhash');
    const org = await relocate(fixture('fresh-install.json'));
    assert.equal(org.status, 'success', JSON.stringify(org.findings));
    assert.equal(await count('sentry_lostpasswordhash') - before, users);
    const [linked] = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sentry_lostpasswordhash h JOIN relocate.pk_map m ON m.new_pk = h.user_id
       WHERE m.relocation_id = $1 AND m.model = 'sentry.user' AND length(h.hash) = 32`, [org.relocationId]);
    assert.equal(linked?.n, users, 'each hash belongs to one of the relocated users');
    const global = await relocate(fixture('fresh-install.json'), { scope: 'GLOBAL' });
    assert.equal(global.status, 'success', JSON.stringify(global.findings));
    assert.equal(await count('sentry_lostpasswordhash') - before, users);
  });
});

describe('user IPs and options', () => {
  test('user ips: one row per user and address, geo data dropped for recomputation', async () => {
    const s = await relocate(exportOf(userWith([userIp(10, '10.0.0.1'), userIp(11, '10.0.0.1'), userIp(12, '2001:db8::1')], 'ip_user')), { scope: 'GLOBAL' });
    assert.equal(s.status, 'success', JSON.stringify(s.findings));
    assert.deepEqual(s.models['sentry.userip'], { inserted: 2, existing: 1, overwritten: 0 });
    const rows = await query<{ ip_address: string; country_code: string | null; first_seen: Date }>(
      `SELECT ip_address, country_code, first_seen FROM sentry_userip WHERE user_id = (SELECT id FROM auth_user WHERE username = 'ip_user') ORDER BY ip_address`);
    assert.deepEqual(rows.map((r) => [r.ip_address, r.country_code]), [['10.0.0.1', null], ['2001:db8::1', null]]);
    assert.equal(rows[0]?.first_seen.toISOString(), '2012-04-05T03:29:45.000Z', 'global scope keeps the timing data');
  });

  test('user ips: an invalid address is a ValidationError naming the user ip, and nothing of the relocation stays', async () => {
    const s = await relocate(exportOf(userWith([userIp(10, '10.0.0.1'), userIp(11, 'not-an-ip')], 'bad_ip_user')), { scope: 'GLOBAL' });
    assert.equal(s.status, 'failure');
    assert.deepEqual(errors(s), [['ValidationError', 'sentry.userip', 11, 'ip_address']]);
    assert.equal(await count(`auth_user WHERE username = 'bad_ip_user'`), 0);
  });

  test('user options: a known timezone imports, an unknown one is a ValidationError naming the option', async () => {
    const good = await relocate(exportOf(userWith([timezone(20, 'Europe/Vienna')], 'tz_user')));
    assert.equal(good.status, 'success', JSON.stringify(good.findings));
    const [option] = await query<{ value: string }>(`SELECT value FROM sentry_useroption WHERE key = 'timezone' AND user_id = (SELECT id FROM auth_user WHERE username = 'tz_user')`);
    assert.equal(option?.value, '"Europe/Vienna"');
    const bad = await relocate(exportOf(userWith([timezone(21, 'Mars/Olympus_Mons')], 'bad_tz_user')));
    assert.equal(bad.status, 'failure');
    assert.deepEqual(errors(bad), [['ValidationError', 'sentry.useroption', 21, 'value']]);
    assert.equal(await count(`auth_user WHERE username = 'bad_tz_user'`), 0);
  });
});

describe('organization models', () => {
  const organization = (): ExportRecord[] => records('fresh-install.json').filter((r) => r.model === 'sentry.organization' || r.model === 'sentry.project');
  const monitor: ExportRecord = {
    model: 'sentry.monitor', pk: 7,
    fields: { organization_id: 1, project_id: 1, owner_user_id: null, guid: '7d3b8a55-a5a9-4a62-8f0a-bd4c2a0c4a11', slug: 'nightly', name: 'Nightly' },
  };

  test('project ids: a global import that cannot keep a project id never moves the id sequence back', async () => {
    const file = exportOf(organization());
    for (const scope of ['ORGANIZATION', 'GLOBAL', 'ORGANIZATION', 'GLOBAL'] as const) {
      const s = await relocate(file, { scope });
      assert.equal(s.status, 'success', `${scope}: ${JSON.stringify(s.findings)}`);
    }
  });

  test('monitors: a colliding guid is regenerated and the existing monitor keeps its own', async () => {
    const file = exportOf([...organization(), monitor]);
    const first = await relocate(file);
    assert.equal(first.status, 'success', JSON.stringify(first.findings));
    const second = await relocate(file);
    assert.equal(second.status, 'success', JSON.stringify(second.findings));
    const guids = await query<{ guid: string }>(`SELECT guid FROM sentry_monitor WHERE slug = 'nightly' ORDER BY id`);
    assert.equal(guids.length, 2);
    assert.equal(guids[0]?.guid, monitor.fields.guid, 'the first relocation keeps the exported guid');
    assert.notEqual(guids[1]?.guid, monitor.fields.guid);
    assert.match(guids[1]?.guid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('saved searches: a global saved search comes only with a global import, an organization one with its organization', async () => {
    const searches: ExportRecord[] = [
      { model: 'sentry.savedsearch', pk: 1, fields: { organization: null, owner_id: null, is_global: true, name: 'Unresolved everywhere', type: 0, query: 'is:unresolved' } },
      { model: 'sentry.savedsearch', pk: 2, fields: { organization: 1, owner_id: null, is_global: false, name: 'Mine', type: 0, query: 'assigned:me' } },
    ];
    const file = exportOf([...organization(), ...searches]);
    const org = await relocate(file);
    assert.equal(org.status, 'success', JSON.stringify(org.findings));
    assert.deepEqual(org.models['sentry.savedsearch'], { inserted: 1, existing: 0, overwritten: 0 });
    assert.deepEqual(org.findings.filter((f) => f.model === 'sentry.savedsearch').map((f) => [f.kind, f.pk]), [['OutOfScope', 1]]);
    const global = await relocate(file, { scope: 'GLOBAL' });
    assert.equal(global.status, 'success', JSON.stringify(global.findings));
    assert.deepEqual(global.models['sentry.savedsearch'], { inserted: 2, existing: 0, overwritten: 0 });
    assert.equal(await count(`sentry_savedsearch WHERE name = 'Unresolved everywhere'`), 1);
  });
});

describe('dangling references', () => {
  test("drop dangling: with --drop-dangling a record whose parent the export lacks is dropped as Sentry does, with a warning naming it", async () => {
    const file = fixture('user-with-roles-no-superadmin.json');
    const s = await relocate(file, { scope: 'GLOBAL', dropDangling: true });
    assert.equal(s.status, 'success', JSON.stringify(s.findings));
    assert.deepEqual(s.findings.map((f) => [f.severity, f.kind, f.model, f.pk, f.field]), [['warning', 'DanglingForeignKey', 'sentry.userroleuser', 3, 'role']]);
    const written = Object.values(s.models).reduce((n, m) => n + m.inserted + m.existing + m.overwritten, 0);
    assert.equal(written, records('user-with-roles-no-superadmin.json').length - 1, 'everything else is written');
    assert.equal(s.models['sentry.userroleuser'], undefined);
  });
});
