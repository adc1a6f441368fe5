import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stageNames } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';

// Text an attacker or an old database might put in an export. All of it must arrive as plain data.
const sqlText = "'; DROP TABLE sentry_organization; --";
const quotes = 'O\'Brien "the" `tick`';
const backslashes = 'C:\\new\\table\\\\ \\x00 \\u0000 \\\''; // backslashes, and the six characters \u0000 (not NUL)
const controls = 'bell\u0007 tab\t nl\n cr\r esc\u001b[31m del\u007f us\u001f soh\u0001';
const unicode = 'Zoë 🦀 漢字 \u202Ertl\u202C e\u0301 ﬁ 𝄞';

const scratch = mkdtempSync(path.join(tmpdir(), 'relocate-hostile-'));
let world: TestEnvironment;
let hosted: HostedStages;
let n = 0;

before(async () => {
  world = await testEnvironment('hostile');
  hosted = await hostStages(world.connections, [...stageNames]);
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

const user = (pk: number, username: string, name: string, email: string): object => ({
  model: 'sentry.user', pk,
  fields: { password: 'pbkdf2_sha256$1$x$y', last_login: null, username, name, email, is_staff: false, is_active: true, is_superuser: false, is_managed: false, is_sentry_app: null, is_password_expired: false, last_password_change: null, flags: '0', session_nonce: null, date_joined: '2024-01-01T00:00:00.000Z', last_active: null, avatar_type: 0, avatar_url: null },
});
const organization = (pk: number, name: string, slug: string): object => ({
  model: 'sentry.organization', pk, fields: { name, slug, status: 0, date_added: '2024-01-01T00:00:00.000Z', default_role: 'member', is_test: false, flags: '1' },
});
const userOption = (pk: number, userPk: number, value: string, extra: Record<string, unknown> = {}): object => ({
  model: 'sentry.useroption', pk, fields: { user: userPk, project_id: null, organization_id: null, key: `k${pk}`, value, ...extra },
});

async function relocate(records: object[]): Promise<RelocationSummary> {
  const file = path.join(scratch, `export-${++n}.json`);
  writeFileSync(file, JSON.stringify(records));
  const { summary } = await runImport(world.connections, {
    relocationId: `hostile-${n}`,
    exportPath: file,
    options: { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null },
  }, { timeoutMs: 60_000 });
  return summary;
}

const newPk = async (s: RelocationSummary, model: string, oldPk: number): Promise<number> => {
  const { rows } = await world.connections.pool.query<{ new_pk: number }>(
    'SELECT new_pk FROM relocate.pk_map WHERE relocation_id = $1 AND model = $2 AND old_pk = $3', [s.relocationId, model, oldPk]);
  assert.ok(rows[0], `${model} pk ${oldPk} was written`);
  return rows[0].new_pk;
};
const row = async (table: string, id: number): Promise<Record<string, unknown>> =>
  (await world.connections.pool.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0] as Record<string, unknown>;

test('quotes, SQL, backslashes, control characters and unicode import as plain data, byte for byte', async () => {
  const users = [
    { pk: 1, username: sqlText, name: `${quotes} ${backslashes}`, email: 'o\'brien+"x"@example.com' },
    { pk: 2, username: `${unicode} ${backslashes}`, name: `${controls} ${unicode}`, email: 'zoë+🦀@exämple.com' },
  ];
  const teamSlug = 'a\'b"c\\d';
  const teamName = `${quotes} ${controls}`.slice(0, 64);
  const s = await relocate([
    ...users.map((u) => user(u.pk, u.username, u.name, u.email)),
    ...users.map((u) => ({ model: 'sentry.useremail', pk: u.pk, fields: { user: u.pk, email: u.email, validation_hash: 'x'.repeat(32), date_hash_added: '2024-01-01T00:00:00.000Z', is_verified: true } })),
    ...users.map((u) => ({ model: 'sentry.email', pk: u.pk, fields: { email: u.email, date_added: '2024-01-01T00:00:00.000Z' } })),
    userOption(1, 1, `"${sqlText}" ${backslashes}`, { note: `${controls} ${unicode} ${sqlText}` }),
    organization(1, sqlText, sqlText),
    organization(2, `Zoë's "Café" \\ 🦀 \u0007`, 'Zoë\'s "Café" \\ 🦀'),
    { model: 'sentry.team', pk: 1, fields: { organization: 1, slug: teamSlug, name: teamName, status: 0, idp_provisioned: false, date_added: '2024-01-01T00:00:00.000Z' } },
  ]);
  assert.equal(s.status, 'success', JSON.stringify(s.findings));

  for (const u of users) {
    const got = await row('auth_user', await newPk(s, 'sentry.user', u.pk));
    assert.deepEqual([got.username, got.name, got.email], [u.username, u.name, u.email]);
    assert.equal((await row('sentry_useremail', await newPk(s, 'sentry.useremail', u.pk))).email, u.email);
    assert.equal((await row('sentry_email', await newPk(s, 'sentry.email', u.pk))).email, u.email);
  }
  const option = await row('sentry_useroption', await newPk(s, 'sentry.useroption', 1));
  assert.equal(option.value, `"${sqlText}" ${backslashes}`);
  assert.deepEqual(option.relocate_fields, { note: `${controls} ${unicode} ${sqlText}` });
  const team = await row('sentry_team', await newPk(s, 'sentry.team', 1));
  assert.deepEqual([team.slug, team.name], [teamSlug, teamName], 'team slugs are not re-slugged on import');

  // Organization names are data; slugs follow Sentry's save(): lower, "_" to "-", strip "-", then Django's slugify
  // (ASCII-fold, drop what is not a word character, space or "-", runs of space and "-" to one "-"), 30 at most.
  const orgs = [[1, sqlText, 'drop-table-sentry-organization'], [2, `Zoë's "Café" \\ 🦀 \u0007`, 'zoes-cafe']] as const;
  for (const [pk, name, slug] of orgs) {
    const got = await row('sentry_organization', await newPk(s, 'sentry.organization', pk));
    assert.deepEqual([got.name, got.slug], [name, slug]);
  }
  // The summary maps the slug after save()'s first step (lower, "_" to "-", strip "-") to the final one.
  assert.deepEqual(s.slugs, { "'; drop table sentry-organization; ": 'drop-table-sentry-organization', 'zoë\'s "café" \\ 🦀': 'zoes-cafe' });
  const { rows } = await world.connections.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM sentry_organization WHERE slug IN ('drop-table-sentry-organization', 'zoes-cafe')");
  assert.equal(rows[0]?.n, 2, 'sentry_organization is still there, with both organizations');
});

test('a NUL character, which PostgreSQL cannot store, fails the relocation with a finding naming model, pk and field', async () => {
  const s = await relocate([user(7, 'nul-in-name', 'before\u0000after', 'nul@example.com')]);
  assert.equal(s.status, 'failure');
  assert.deepEqual(s.findings.filter((f) => f.severity === 'error').map((f) => [f.kind, f.model, f.pk, f.field]), [['UnstorableValue', 'sentry.user', 7, 'name']]);
  assert.match(s.findings[0]?.reason ?? '', /NUL character/);
  const { rows } = await world.connections.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM auth_user WHERE username = 'nul-in-name'");
  assert.equal(rows[0]?.n, 0, 'nothing of the failed relocation is left');
});

test('a NUL inside a field kept in the catch-all jsonb column is named by its own field', async () => {
  const s = await relocate([user(8, 'nul-in-option', 'fine', 'option@example.com'), userOption(9, 8, 'fine', { note: ['deep', { er: 'x\u0000' }] })]);
  assert.equal(s.status, 'failure');
  assert.deepEqual(s.findings.filter((f) => f.severity === 'error').map((f) => [f.kind, f.model, f.pk, f.field]), [['UnstorableValue', 'sentry.useroption', 9, 'note']]);
});
