import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ident, joinSql, Sql, sql } from './sql.ts';

test('identifiers are quoted part by part, with embedded quotes doubled', () => {
  assert.equal(ident('user').text, '"user"');
  assert.equal(ident('relocate.pk_map').text, '"relocate"."pk_map"');
  assert.equal(ident('x"; DROP TABLE sentry_organization; --').text, '"x""; DROP TABLE sentry_organization; --"');
  assert.throws(() => ident(''), TypeError);
});

test('the sql tag splices fragments and integers, and refuses anything else', () => {
  const cols = joinSql(['a', 'b'].map((c) => sql`${ident(c)}::text`));
  assert.equal(sql`SELECT ${cols} FROM ${ident('t')} WHERE id = $${2}`.text, 'SELECT "a"::text, "b"::text FROM "t" WHERE id = $2');
  const untrusted: unknown = "'; DROP TABLE sentry_organization; --";
  assert.throws(() => sql`SELECT ${untrusted as Sql}`, /only Sql fragments and integers/);
  assert.throws(() => sql`SELECT $${1.5}`, /only Sql fragments and integers/);
  assert.throws(() => new Sql('DROP TABLE x', Symbol('relocate.sql')), TypeError, 'no Sql from a string outside the module');
});
