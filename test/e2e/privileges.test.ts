import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stageNames, type ImportOptions } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { sentryFixture } from '../harness/fixtures.ts';
import { assertVerified } from '../harness/verify.ts';

// Sentry's sanitization by scope (tests/sentry/backup/test_imports.py, spec §9.1), on the fixture that holds every
// privilege: staff, superuser, an admin permission, a role with its user link, an authenticator and an IP.
const fixture = sentryFixture('user-with-maximum-privileges.json');
const importedHash = 'pbkdf2_sha256$150000$iEvdIknqYjTr$+QsGn0tfIJ1FZLxQI37mVU1gL2KbL/wqjMtG/dFhsMA=';
const importedValidationHash = 'mCnWesSVvYQcq7qXQ36AZHwosAd6cghE';
let world: TestEnvironment;
let hosted: HostedStages;

before(async () => {
  world = await testEnvironment('privileges');
  hosted = await hostStages(world.connections, [...stageNames]);
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

async function relocate(scope: ImportOptions['scope']): Promise<RelocationSummary> {
  const { summary } = await runImport(world.connections, {
    relocationId: `privileges-${scope.toLowerCase()}`,
    exportPath: fixture,
    options: { scope, mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null },
  }, { timeoutMs: 60_000 });
  assert.equal(summary.status, 'success', JSON.stringify(summary.findings));
  await assertVerified(world.connections.pool, summary.relocationId, fixture);
  return summary;
}

/** What the imported user holds after the relocation, read from the tables. */
async function privilegesOf(s: RelocationSummary): Promise<Record<string, unknown>> {
  const q = async <T>(text: string, ...more: unknown[]): Promise<T[]> => (await world.connections.pool.query(text, [s.relocationId, ...more])).rows as T[];
  const user = `(SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = 'sentry.user')`;
  const [account] = await q<Record<string, unknown>>(
    `SELECT is_staff, is_superuser, is_managed, is_unclaimed, password = $2 AS kept_password FROM auth_user WHERE id = ${user}`,
    importedHash,
  );
  const [email] = await q<Record<string, unknown>>(
    `SELECT is_verified, validation_hash = $2 AS kept_validation_hash FROM sentry_useremail WHERE user_id = ${user}`,
    importedValidationHash,
  );
  return {
    account,
    email,
    permissions: (await q<{ permission: string }>(`SELECT permission FROM sentry_userpermission WHERE user_id = ${user}`)).map((r) => r.permission),
    roles: (await q<{ name: string }>(`SELECT r.name FROM sentry_userrole_users u JOIN sentry_userrole r ON r.id = u.role_id WHERE u.user_id = ${user}`)).map((r) => r.name),
    authenticators: (await q<{ type: number }>(`SELECT type FROM auth_authenticator WHERE user_id = ${user}`)).map((r) => r.type),
    ips: (await q<{ ip_address: string }>(`SELECT ip_address FROM sentry_userip WHERE user_id = ${user}`)).map((r) => r.ip_address),
    lostPasswordHashes: (await q<{ n: number }>(`SELECT count(*)::int AS n FROM sentry_lostpasswordhash WHERE user_id = ${user}`))[0]?.n,
    outOfScope: s.findings.filter((f) => f.kind === 'OutOfScope').map((f) => `${f.model}:${f.pk}`).sort(),
    otherFindings: s.findings.filter((f) => f.kind !== 'OutOfScope').map((f) => f.kind),
  };
}

const stripped = {
  account: { is_staff: false, is_superuser: false, is_managed: false, is_unclaimed: true, kept_password: false },
  email: { is_verified: false, kept_validation_hash: false },
  permissions: [], roles: [], authenticators: [], ips: [], lostPasswordHashes: 1,
  outOfScope: ['sentry.authenticator:1', 'sentry.userip:1', 'sentry.userpermission:1', 'sentry.userrole:1', 'sentry.userroleuser:1'],
  otherFindings: [],
};

// The tests run in order on one database, so the config import's role is there when the global import comes.
test('user scope: no staff, superuser, permission, role or authenticator; unclaimed with a new password', async () => {
  const s = await relocate('USER');
  assert.deepEqual(await privilegesOf(s), stripped);
  assert.deepEqual(Object.keys(s.models).sort(), ['sentry.user', 'sentry.useremail', 'sentry.useroption']);
});

test('organization scope: the same as user scope', async () => {
  const s = await relocate('ORGANIZATION');
  assert.deepEqual(await privilegesOf(s), stripped);
  assert.deepEqual(Object.keys(s.models).sort(), ['sentry.user', 'sentry.useremail', 'sentry.useroption']);
});

test('config scope: staff, superuser, the permission and the role stay; no authenticator; still unclaimed', async () => {
  const s = await relocate('CONFIG');
  assert.deepEqual(await privilegesOf(s), {
    account: { is_staff: true, is_superuser: true, is_managed: false, is_unclaimed: true, kept_password: false },
    email: { is_verified: false, kept_validation_hash: false },
    permissions: ['users.admin'], roles: ['Super Admin'], authenticators: [], ips: [], lostPasswordHashes: 1,
    outOfScope: ['sentry.authenticator:1', 'sentry.userip:1'],
    otherFindings: [],
  });
  assert.deepEqual([s.models['sentry.userpermission'], s.models['sentry.userrole'], s.models['sentry.userroleuser']],
    [{ inserted: 1, existing: 0, overwritten: 0 }, { inserted: 1, existing: 0, overwritten: 0 }, { inserted: 1, existing: 0, overwritten: 0 }]);
});

test('global scope: everything stays, the password hash and the verified email included', async () => {
  const s = await relocate('GLOBAL');
  assert.deepEqual(await privilegesOf(s), {
    account: { is_staff: true, is_superuser: true, is_managed: false, is_unclaimed: false, kept_password: true },
    email: { is_verified: true, kept_validation_hash: true },
    permissions: ['users.admin'], roles: ['Super Admin'], authenticators: [1], ips: ['127.0.0.2'], lostPasswordHashes: 0,
    outOfScope: [],
    otherFindings: [],
  });
  // The role is a config (OverwritableConfigMixin): the one the config import made is reused, not duplicated.
  assert.deepEqual(s.models['sentry.userrole'], { inserted: 0, existing: 1, overwritten: 0 });
  const { rows } = await world.connections.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM sentry_userrole WHERE name = 'Super Admin'`);
  assert.equal(rows[0]?.n, 1);
});
