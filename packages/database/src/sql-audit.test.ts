import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditSql } from './sql-audit.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const header = "import { ident, sql } from '@relocate/database';\n";
const reasons = (code: string): string[] => auditSql('sample.ts', header + code).map((f) => f.reason);

test('a value interpolated into an untagged SQL template is flagged', () => {
  assert.equal(reasons('await c.query(`SELECT id FROM auth_user WHERE username = \'${name}\'`);').length, 1);
  assert.equal(reasons('const q = `DELETE FROM ${table} WHERE id = $1`;').length, 1);
  assert.equal(reasons('const cols = `"${c}"::text`; await c.query(`SELECT ${cols}`);').length, 1);
});

test('concatenation onto SQL text, another tag, and query text from a variable are flagged', () => {
  assert.match(reasons("const q = 'SELECT * FROM sentry_organization WHERE slug = ' + slug;")[0] ?? '', /concatenation/);
  assert.match(reasons('const q = raw`SELECT ${x}`;')[0] ?? '', /not the vetted sql tag/);
  assert.match(reasons('await c.query(statement, [1]);')[0] ?? '', /neither a literal/);
  assert.equal(auditSql('x.ts', 'import { sql } from "./elsewhere.ts";\nconst q = sql`SELECT ${x}`;').length, 1, 'a tag named sql from another module is not the vetted one');
});

test('literals, parameters, vetted sql templates and reasoned waivers pass', () => {
  assert.deepEqual(reasons([
    "await c.query('SELECT 1 FROM auth_user WHERE id = $1', [id]);",
    'await c.query(`SELECT 1\n FROM auth_user`);',
    'await c.query(sql`SELECT ${ident(col)} FROM ${ident(table)} WHERE id = $${n}`.text, [id]);',
    'const message = `project ${id} was not found`;',
    '// sql-audit: migration files are reviewed SQL shipped with the code',
    'await c.query(m.sql);',
  ].join('\n')), []);
  assert.equal(reasons('// sql-audit:\nawait c.query(m.sql);').length, 1, 'a waiver must give its reason');
});

test('no SQL in packages/ or services/ is built unsafely', () => {
  const sources = ['packages', 'services'].flatMap((dir) => walk(path.join(root, dir)));
  assert.ok(sources.length > 50, 'the scan reaches the code base');
  const found = sources.flatMap((file) => auditSql(path.relative(root, file), readFileSync(file, 'utf8')));
  assert.deepEqual(found.map((f) => `${f.file}:${f.line}: ${f.reason}: ${f.excerpt}`), []);
});

/** Shipped TypeScript: not tests, not dependencies, not the generator that writes the reviewed DDL migration. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || full.endsWith(path.join('database', 'generate')) ? [] : walk(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}
