import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stageNames, type ImportOptions } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { assertVerified } from '../harness/verify.ts';
import { sentryFixturesDir } from '../harness/fixtures.ts';

const fixturesDir = sentryFixturesDir;
const fixture = (name: string): string => path.join(fixturesDir, name);
const scratch = mkdtempSync(path.join(tmpdir(), 'relocate-semantics-'));
let world: TestEnvironment;
let hosted: HostedStages;
let counter = 0;

const defaults: ImportOptions = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null };

/** Relocates an export; a relocation that succeeds must then pass `relocate verify`, the oracle of every case here. */
async function relocate(file: string, options: Partial<ImportOptions> = {}): Promise<RelocationSummary> {
  const { summary } = await runImport(world.connections, {
    relocationId: `semantics-${++counter}`,
    exportPath: file,
    options: { ...defaults, ...options },
  }, { timeoutMs: 60_000 });
  if (summary.status === 'success') await assertVerified(world.connections.pool, summary.relocationId, file);
  return summary;
}

function exportOf(records: unknown[]): string {
  const file = path.join(scratch, `export-${++counter}.json`);
  writeFileSync(file, JSON.stringify(records));
  return file;
}

const count = (table: string): Promise<number> => rowCount(world.connections.pool, table);
const counts = (s: RelocationSummary, model: string): [number, number, number] => {
  const m = s.models[model];
  return [m?.inserted ?? 0, m?.existing ?? 0, m?.overwritten ?? 0];
};

before(async () => {
  world = await testEnvironment('semantics');
  hosted = await hostStages(world.connections, [...stageNames]);
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

describe('every Sentry fixture imports in global scope', () => {
  const files = ['fresh-install.json', 'user-with-minimum-privileges.json', 'user-with-maximum-privileges.json', 'user-with-superadmin-no-roles.json', 'app-user-with-empty-email.json', 'single-option.json', 'single-integration.json',
    'datetime-millis.json', 'datetime-with-zeroed-millis.json', 'datetime-with-unzeroed-millis.json', 'invalid-user.json', 'duplicate-username-and-organization-slug.json'];
  for (const file of files) {
    test(file, async () => {
      // relocate() ends with verify: every record has its row or a finding, every field as the rules allow.
      const summary = await relocate(fixture(file), { scope: 'GLOBAL' });
      assert.equal(summary.status, 'success', JSON.stringify(summary.findings));
    });
  }
});

test('a fixture whose user role link names a role the export lacks fails with that exact finding (Sentry drops the row silently)', async () => {
  const s = await relocate(fixture('user-with-roles-no-superadmin.json'), { scope: 'GLOBAL' });
  assert.equal(s.status, 'failure');
  assert.deepEqual(
    s.findings.filter((f) => f.severity === 'error').map((f) => [f.kind, f.model, f.pk, f.field]),
    [['DanglingForeignKey', 'sentry.userroleuser', 3, 'role']],
  );
  assert.deepEqual(s.models, {}, 'what the failed relocation wrote before the bad record is removed');
  assert.equal(await count(`auth_user WHERE username LIKE 'roles_no_superadmin_user%'`), 0);
  assert.equal(await count(`relocate.relocation WHERE id = '${s.relocationId}' AND aborted_at IS NOT NULL`), 1);
});

describe('scopes', () => {
  test('organization scope resets privileges and leaves global-only models out, each named', async () => {
    const s = await relocate(fixture('user-with-maximum-privileges.json'), { scope: 'ORGANIZATION' });
    assert.equal(s.status, 'success');
    const { rows } = await world.connections.pool.query(
      `SELECT is_staff, is_superuser, is_managed, is_unclaimed, password LIKE 'pbkdf2_sha256$150000$%' AS kept_password FROM auth_user
       WHERE id = (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.user')`,
      [s.relocationId],
    );
    assert.deepEqual(rows, [{ is_staff: false, is_superuser: false, is_managed: false, is_unclaimed: true, kept_password: false }]);
    const outOfScope = s.findings.filter((f) => f.kind === 'OutOfScope').map((f) => f.model).sort();
    assert.deepEqual(outOfScope, ['sentry.authenticator', 'sentry.userip', 'sentry.userpermission', 'sentry.userrole', 'sentry.userroleuser']);
    assert.ok(s.findings.every((f) => f.severity === 'warning'));
  });

  test('config scope keeps staff and superuser but leaves authenticators out', async () => {
    const s = await relocate(fixture('user-with-maximum-privileges.json'), { scope: 'CONFIG' });
    assert.equal(s.status, 'success', JSON.stringify(s.findings));
    assert.deepEqual(counts(s, 'sentry.userpermission'), [1, 0, 0]);
    const { rows } = await world.connections.pool.query(
      `SELECT is_staff, is_superuser, is_unclaimed FROM auth_user WHERE id = (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.user')`,
      [s.relocationId],
    );
    assert.deepEqual(rows, [{ is_staff: true, is_superuser: true, is_unclaimed: true }]);
    assert.deepEqual(s.findings.filter((f) => f.kind === 'OutOfScope').map((f) => f.model).sort(), ['sentry.authenticator', 'sentry.userip']);
  });

  test('user scope imports users and their emails only', async () => {
    const s = await relocate(fixture('fresh-install.json'), { scope: 'USER' });
    assert.equal(s.status, 'success');
    assert.deepEqual(Object.keys(s.models).sort(), ['sentry.email', 'sentry.user', 'sentry.useremail']);
  });
});

describe('collision rules', () => {
  test('users: a username collision renames the imported user', async () => {
    const before = await count(`auth_user WHERE username LIKE 'min_user%'`);
    const s = await relocate(fixture('user-with-minimum-privileges.json'), { scope: 'USER' });
    const again = await relocate(fixture('user-with-minimum-privileges.json'), { scope: 'USER' });
    assert.deepEqual([counts(s, 'sentry.user'), counts(again, 'sentry.user')], [[1, 0, 0], [1, 0, 0]]);
    assert.equal(await count(`auth_user WHERE username LIKE 'min_user%'`), before + 2);
    assert.equal(await count(`auth_user WHERE username ~ '^min_user-[a-z0-79]{2}$'`) >= 1, true);
  });

  test('users: with merge_users a username collision reuses the existing user and drops its incoming emails and permissions', async () => {
    await relocate(fixture('user-with-minimum-privileges.json'), { scope: 'USER' });
    const usersBefore = await count('auth_user');
    const s = await relocate(fixture('user-with-minimum-privileges.json'), { scope: 'USER', mergeUsers: true });
    assert.deepEqual(counts(s, 'sentry.user'), [0, 1, 0]);
    assert.equal(s.models['sentry.useremail'], undefined);
    assert.ok(s.findings.some((f) => f.kind === 'MergedUserData' && f.model === 'sentry.useremail'));
    assert.equal(await count('auth_user'), usersBefore);
  });

  test('users: the same username twice in one export gives the second a suffix', async () => {
    const s = await relocate(fixture('duplicate-username-and-organization-slug.json'), { scope: 'ORGANIZATION' });
    assert.equal(s.status, 'success');
    const { rows } = await world.connections.pool.query<{ username: string }>(
      `SELECT username FROM auth_user WHERE id IN (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.user') ORDER BY id`,
      [s.relocationId],
    );
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0]?.username, rows[1]?.username);
  });

  test('users and emails: duplicates within one batch are resolved against each other', async () => {
    const user = (pk: number) => ({ model: 'sentry.user', pk, fields: { username: 'twin-user', email: 'twin@example.com', password: 'x', is_staff: false, is_active: true, is_superuser: false, is_managed: false, is_password_expired: false, is_unclaimed: false, flags: '0', date_joined: '2023-06-22T22:59:55.488Z', avatar_type: 0 } });
    const email = (pk: number, address: string) => ({ model: 'sentry.email', pk, fields: { email: address, date_added: '2023-06-22T22:59:54.521Z' } });
    const s = await relocate(exportOf([email(1, 'twin@example.com'), email(2, 'TWIN@example.com'), user(1), user(2)]), { scope: 'USER' });
    assert.equal(s.status, 'success', JSON.stringify(s.findings));
    assert.deepEqual(counts(s, 'sentry.email'), [1, 1, 0]);
    assert.deepEqual(counts(s, 'sentry.user'), [2, 0, 0]);
    const { rows } = await world.connections.pool.query<{ username: string }>(
      `SELECT username FROM auth_user WHERE id IN (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.user') ORDER BY id`,
      [s.relocationId],
    );
    assert.equal(rows[0]?.username, 'twin-user');
    assert.match(rows[1]?.username ?? '', /^twin-user-[a-z0-79]{2}$/);
    const merged = await relocate(exportOf([user(1), user(2)]), { scope: 'USER', mergeUsers: true });
    assert.deepEqual(counts(merged, 'sentry.user'), [0, 2, 0], 'with merge_users both map to the existing user');
  });

  test('organizations: the same slug twice in one export gives two distinct reserved slugs', async () => {
    const s = await relocate(fixture('duplicate-username-and-organization-slug.json'), { scope: 'ORGANIZATION' });
    const { rows } = await world.connections.pool.query<{ slug: string; reserved: string }>(
      `SELECT o.slug, r.slug AS reserved FROM sentry_organization o JOIN sentry_organizationslugreservation r ON r.organization_id = o.id AND r.reservation_type = 0
       WHERE o.id IN (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.organization')`,
      [s.relocationId],
    );
    assert.equal(rows.length, 2);
    assert.equal(new Set(rows.map((r) => r.slug)).size, 2);
    for (const r of rows) assert.equal(r.slug, r.reserved);
  });

  test('emails: an existing address is reused', async () => {
    const s = await relocate(exportOf([{ model: 'sentry.email', pk: 1, fields: { email: 'TESTING@example.com', date_added: '2023-06-22T22:59:54.521Z' } }]), { scope: 'USER' });
    assert.deepEqual(counts(s, 'sentry.email'), [0, 1, 0]);
    assert.equal(await count(`sentry_email WHERE lower(email) = 'testing@example.com'`), 1);
  });

  test('options: an existing option keeps its value without overwrite_configs', async () => {
    await relocate(fixture('single-option.json'), { scope: 'CONFIG' });
    await world.connections.pool.query(`UPDATE sentry_option SET value = '"local"' WHERE key = 'sentry:latest_version'`);
    const s = await relocate(fixture('single-option.json'), { scope: 'CONFIG' });
    assert.deepEqual(counts(s, 'sentry.option'), [0, 1, 0]);
    assert.equal(await count(`sentry_option WHERE key = 'sentry:latest_version' AND value = '"local"'`), 1);
  });

  test('options: overwrite_configs writes the imported value over the existing one', async () => {
    await world.connections.pool.query(`UPDATE sentry_option SET value = '"local"' WHERE key = 'sentry:latest_version'`);
    const s = await relocate(fixture('single-option.json'), { scope: 'CONFIG', overwriteConfigs: true });
    assert.deepEqual(counts(s, 'sentry.option'), [0, 0, 1]);
    assert.equal(await count(`sentry_option WHERE key = 'sentry:latest_version' AND value = '"\\"23.6.1\\""'`), 1);
  });

  test('project keys: a colliding key gets new secrets and the existing key is untouched', async () => {
    const first = await relocate(fixture('fresh-install.json'), { scope: 'ORGANIZATION' });
    const second = await relocate(fixture('fresh-install.json'), { scope: 'ORGANIZATION' });
    assert.equal(second.status, 'success', JSON.stringify(second.findings));
    const { rows } = await world.connections.pool.query<{ public_key: string; relocation: string }>(
      `SELECT k.public_key, m.relocation_id AS relocation FROM sentry_projectkey k JOIN relocate.pk_map m ON m.model = 'sentry.projectkey' AND m.new_pk = k.id
       WHERE m.relocation_id IN ($1, $2) ORDER BY m.relocation_id`,
      [first.relocationId, second.relocationId],
    );
    assert.equal(rows.length, 2);
    const original = 'c1373be35a7944808c8bcfede8097df1';
    assert.equal(await count(`sentry_projectkey WHERE public_key = '${original}'`), 1, 'the first import keeps the exported key');
    for (const r of rows) assert.match(r.public_key, /^[0-9a-f]{32}$/);
    assert.equal(new Set([...rows.map((r) => r.public_key), original]).size, 3, 'each later import got its own new key');
  });

  test('api tokens: a colliding token gets a new secret with its prefix and new hashes, and null fields stay null', async () => {
    const token = (pk: number) => ({ model: 'sentry.apitoken', pk, fields: { user: 1, token: 'sntryu_' + 'a'.repeat(64), refresh_token: null, expires_at: null, scope_list: '[]' } });
    const user = { model: 'sentry.user', pk: 1, fields: { username: 'token-owner', email: 'token-owner@example.com', password: 'x', is_staff: false, is_active: true, is_superuser: false, is_managed: false, is_password_expired: false, is_unclaimed: false, flags: '0', date_joined: '2023-06-22T22:59:55.488Z', avatar_type: 0 } };
    const first = await relocate(exportOf([user, token(1)]), { scope: 'CONFIG' });
    const second = await relocate(exportOf([user, token(1)]), { scope: 'CONFIG' });
    assert.equal(second.status, 'success', JSON.stringify(second.findings));
    const { rows } = await world.connections.pool.query<{ token: string; hashed_token: string | null; refresh_token: string | null; relocate_fields: Record<string, unknown> }>(
      `SELECT token, hashed_token, refresh_token, relocate_fields FROM sentry_apitoken WHERE id IN (SELECT new_pk FROM relocate.pk_map WHERE relocation_id IN ($1, $2) AND model = 'sentry.apitoken') ORDER BY id`,
      [first.relocationId, second.relocationId],
    );
    assert.equal(rows[0]?.token, 'sntryu_' + 'a'.repeat(64), 'the first import keeps the exported token');
    assert.match(rows[1]?.token ?? '', /^sntryu_[0-9a-f]{64}$/);
    assert.notEqual(rows[1]?.token, rows[0]?.token);
    assert.equal(rows[1]?.hashed_token, createHash('sha256').update(rows[1]?.token ?? '').digest('hex'));
    assert.equal(rows[1]?.refresh_token, null);
    assert.equal(rows[1]?.relocate_fields.expires_at, null);
  });

  test('a second global relocation of the same export gives the collision outcomes and never an IntegrityError', async () => {
    const s = await relocate(fixture('fresh-install.json'), { scope: 'GLOBAL' });
    assert.equal(s.status, 'success', JSON.stringify(s.findings));
    assert.equal(s.findings.length, 0);
    assert.deepEqual(counts(s, 'sentry.user'), [3, 0, 0], 'users are renamed, not merged');
    assert.deepEqual(counts(s, 'sentry.option'), [0, 4, 0], 'options exist and are kept');
    assert.deepEqual(counts(s, 'sentry.apiapplication'), [1, 0, 0]);
    assert.equal(await count(`sentry_apiapplication WHERE client_id = 'e3bc5ddfe2d6c48115efa3c70bbeb0ef938f37a124a1e3a1275d804d15d111c9'`), 1);
  });

  test('teams: the same team slug twice in one organization is an IntegrityError naming the model', async () => {
    const org = { model: 'sentry.organization', pk: 1, fields: { name: 'Twins', slug: 'twins', status: 0, date_added: '2023-06-22T22:54:28.773Z', default_role: 'member', is_test: false, flags: '1' } };
    const team = (pk: number) => ({ model: 'sentry.team', pk, fields: { organization: 1, slug: 'same', name: `Team ${pk}`, status: 0, idp_provisioned: false, date_added: '2023-06-22T22:54:28.821Z' } });
    const s = await relocate(exportOf([org, team(1), team(2)]));
    assert.equal(s.status, 'failure');
    assert.deepEqual(s.findings.map((f) => [f.kind, f.model]), [['IntegrityError', 'sentry.team']]);
    assert.equal(await count(`sentry_organization WHERE name = 'Twins'`), 0);
  });
});

describe('flags and shims', () => {
  test('global scope keeps project ids where they are free, organization scope assigns new ones', async () => {
    const org = { model: 'sentry.organization', pk: 1, fields: { name: 'Ids', slug: 'ids', status: 0, date_added: '2023-06-22T22:54:28.773Z', default_role: 'member', is_test: false, flags: '1' } };
    const project = { model: 'sentry.project', pk: 4242, fields: { slug: 'p', name: 'P', organization: 1, public: false, date_added: '2023-06-22T22:54:28.851Z', status: 0, flags: '10', platform: null } };
    const global = await relocate(exportOf([org, project]), { scope: 'GLOBAL' });
    const organization = await relocate(exportOf([org, project]), { scope: 'ORGANIZATION' });
    const { rows } = await world.connections.pool.query<{ relocation_id: string; new_pk: number }>(
      `SELECT relocation_id, new_pk FROM relocate.pk_map WHERE model = 'sentry.project' AND relocation_id IN ($1, $2)`,
      [global.relocationId, organization.relocationId],
    );
    assert.equal(rows.find((r) => r.relocation_id === global.relocationId)?.new_pk, 4242);
    assert.notEqual(rows.find((r) => r.relocation_id === organization.relocationId)?.new_pk, 4242);
    const { rows: seq } = await world.connections.pool.query<{ n: number }>(`SELECT nextval(pg_get_serial_sequence('sentry_project', 'id'))::int AS n`);
    assert.ok((seq[0]?.n ?? 0) > 4242, 'the sequence moved past the kept id');
  });

  test("Sentry's deleted models and fields are dropped, each record and value named in a finding", async () => {
    const s = await relocate(exportOf([
      { model: 'sentry.organization', pk: 1, fields: { name: 'Shim', slug: 'shim', status: 0, date_added: '2023-06-22T22:54:28.773Z', default_role: 'member', is_test: false, flags: '1' } },
      { model: 'sentry.actor', pk: 1, fields: { type: 0, team: 1 } },
      { model: 'sentry.actor', pk: 2, fields: { type: 1, user_id: 1 } },
      { model: 'sentry.team', pk: 1, fields: { organization: 1, slug: 'shim', name: 'Shim', status: 0, idp_provisioned: false, date_added: '2023-06-22T22:54:28.821Z', actor: 1, org_role: null } },
    ]));
    assert.equal(s.status, 'success');
    assert.deepEqual(s.findings.map((f) => [f.severity, f.kind, f.model, f.pk, f.field]), [
      ['warning', 'DeletedModel', 'sentry.actor', 1, null],
      ['warning', 'DeletedModel', 'sentry.actor', 2, null],
      ['warning', 'DeletedField', 'sentry.team', 1, 'actor'],
    ], 'an empty deleted field (org_role: null) loses nothing and is not named');
    assert.deepEqual(counts(s, 'sentry.team'), [1, 0, 0]);
  });

  test('with hide_organizations off, an organization is visible while its relocation runs', async () => {
    const s = await relocate(exportOf([{ model: 'sentry.organization', pk: 1, fields: { name: 'Open', slug: 'open', status: 0, date_added: '2023-06-22T22:54:28.773Z', default_role: 'member', is_test: false, flags: '1' } }]), { hideOrganizations: false });
    assert.equal(s.status, 'success');
    assert.equal(await count(`relocate.hidden_organization WHERE relocation_id = '${s.relocationId}'`), 0);
    assert.equal(await count(`sentry_organization WHERE name = 'Open' AND status = 0`), 1);
  });
});

describe('filters', () => {
  test('a username filter imports exactly that user with one email and one user email', async () => {
    const s = await relocate(fixture('fresh-install.json'), { scope: 'USER', filterUsernames: ['member@example.com'] });
    assert.equal(s.status, 'success', JSON.stringify(s.findings));
    assert.deepEqual([counts(s, 'sentry.user'), counts(s, 'sentry.useremail')[0] + counts(s, 'sentry.useremail')[1]], [[1, 0, 0], 1]);
    assert.equal(counts(s, 'sentry.email')[0] + counts(s, 'sentry.email')[1], 1);
    const filtered = s.findings.filter((f) => f.kind === 'FilteredOut').map((f) => `${f.model}:${f.pk}`).sort();
    assert.deepEqual(filtered, ['sentry.email:1', 'sentry.email:3', 'sentry.user:1', 'sentry.user:3']);
  });

  test("an organization filter imports the organization and its members' users; the rest is named", async () => {
    const s = await relocate(fixture('fresh-install.json'), { scope: 'ORGANIZATION', filterOrgSlugs: ['testing'] });
    assert.equal(s.status, 'success', JSON.stringify(s.findings));
    assert.deepEqual(counts(s, 'sentry.organization'), [1, 0, 0]);
    assert.deepEqual(counts(s, 'sentry.user'), [2, 0, 0]);
    assert.deepEqual(counts(s, 'sentry.organizationmember'), [3, 0, 0]);
    const { rows } = await world.connections.pool.query<{ inviter_id: number | null }>(
      `SELECT inviter_id FROM sentry_organizationmember WHERE id = (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.organizationmember' AND old_pk = 2)`,
      [s.relocationId],
    );
    assert.deepEqual(rows, [{ inviter_id: null }], 'an inviter who was filtered out becomes null');
    assert.ok(s.findings.some((f) => f.kind === 'FilteredOut' && f.model === 'sentry.user' && f.pk === 3));
  });

  test('an organization filter naming no organization of the export imports no organization', async () => {
    const s = await relocate(fixture('fresh-install.json'), { scope: 'ORGANIZATION', filterOrgSlugs: ['nope'] });
    assert.equal(s.models['sentry.organization'], undefined);
    assert.equal(s.models['sentry.user'], undefined);
    assert.ok(s.findings.every((f) => f.severity === 'warning'));
  });
});

describe('org auth tokens', () => {
  test('org auth tokens: written after the slug is final, an empty or colliding token is regenerated', async () => {
    await world.connections.pool.query(`INSERT INTO sentry_organization (name, slug) VALUES ('Taken', 'tokens')`);
    const org = { model: 'sentry.organization', pk: 3, fields: { name: 'Tokens', slug: 'tokens', status: 0, date_added: '2023-06-22T22:54:28.773Z', default_role: 'member', is_test: false, flags: '1' } };
    const token = (pk: number, hashed: string) => ({ model: 'sentry.orgauthtoken', pk, fields: { organization_id: 3, token_hashed: hashed, name: `t${pk}`, scope_list: '["org:ci"]', date_added: '2023-06-22T22:54:28.773Z', created_by: null } });
    const kept = 'f'.repeat(64);
    const s = await relocate(exportOf([org, token(1, ''), token(2, kept)]));
    assert.equal(s.status, 'success', JSON.stringify(s.findings));
    assert.match(s.slugs.tokens ?? '', /^tokens-/);
    assert.deepEqual(counts(s, 'sentry.orgauthtoken'), [2, 0, 0]);
    const { rows } = await world.connections.pool.query<{ token_hashed: string; last: string | null; org: number }>(
      `SELECT token_hashed, relocate_fields->>'token_last_characters' AS last, organization_id AS org FROM sentry_orgauthtoken
       WHERE id IN (SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.orgauthtoken') ORDER BY id`,
      [s.relocationId],
    );
    const { rows: orgRows } = await world.connections.pool.query<{ id: number }>(`SELECT id FROM sentry_organization WHERE slug = $1`, [s.slugs.tokens]);
    assert.equal(rows.length, 2);
    assert.match(rows[0]?.token_hashed ?? '', /^[0-9a-f]{64}$/);
    assert.notEqual(rows[0]?.token_hashed, '');
    assert.match(rows[0]?.last ?? '', /^.{4}$/);
    assert.equal(rows[1]?.token_hashed, kept, 'a token that collides with nothing is kept');
    for (const r of rows) assert.equal(r.org, orgRows[0]?.id);
    const again = await relocate(exportOf([{ ...org, pk: 4 }, { ...token(3, kept), fields: { ...token(3, kept).fields, organization_id: 4 } }]));
    assert.equal(again.status, 'success', JSON.stringify(again.findings));
    assert.equal(await count(`sentry_orgauthtoken WHERE token_hashed = '${kept}'`), 1, 'a colliding token got a new secret');
  });
});

