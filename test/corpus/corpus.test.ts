import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stageNames } from '@relocate/codec';
import type { RelocationSummary } from '@relocate/database';
import { describeFinding } from '@relocate/domain';
import { disconnect, hostStages, type HostedStages, runImport } from '@relocate/pipeline';
import { rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { runCli } from '../harness/processes.ts';
import { type Case, corpusDir, loadCases, organizationScope, runCase } from './cases.ts';
import { unaccountedRows } from './leftovers.ts';

const example = (f: string): string => fileURLToPath(new URL(`../../examples/${f}`, import.meta.url));
const cases = loadCases();
const good = 'corpus-good-alongside';
let world: TestEnvironment;
let hosted: HostedStages;
let before_: Record<string, number>;
const outcomes = new Map<string, Promise<RelocationSummary>>();

before(async () => {
  world = await testEnvironment('corpus');
  hosted = await hostStages(world.connections, [...stageNames]);
  before_ = await unaccountedRows(world.connections.pool, []);
  // One set of stages takes every case and a good relocation at once, as a shared deployment would.
  outcomes.set(good, runImport(world.connections, {
    relocationId: good, exportPath: example('acme-export.json'), eventsPath: example('acme-events.ndjson'), options: organizationScope,
  }, { timeoutMs: 150_000 }).then((r) => r.summary));
  for (const k of cases) outcomes.set(k.name, runCase(world.connections, world.env, k));
  // Each test reports its own case; none may be left unhandled while an earlier one fails.
  await Promise.allSettled(outcomes.values());
});

after(async () => {
  await hosted.stop();
  await disconnect(world.connections);
});

const outcome = (name: string): Promise<RelocationSummary> => outcomes.get(name) as Promise<RelocationSummary>;
const firstError = (s: RelocationSummary) => s.findings.find((f) => f.severity === 'error');

test('every input of the corpus has its expected outcome, and every expected outcome its input', () => {
  const expectedFiles = readdirSync(corpusDir).filter((f) => f.endsWith('.expected.json')).map((f) => f.replace('.expected.json', '')).sort();
  assert.deepEqual(cases.map((k) => k.name), expectedFiles);
  assert.ok(cases.length > 0);
});

for (const k of cases) {
  test(`${k.name}: ${k.expected.about}`, async () => {
    const s = await outcome(k.name);
    assert.equal(s.relocationId, k.relocationId);
    assert.deepEqual(
      s.findings.map((f) => [f.stage, f.severity, f.kind, f.model, f.pk, f.field]),
      k.expected.findings.map((f) => [f.stage, f.severity, f.kind, f.model, f.pk, f.field]),
      JSON.stringify(s.findings),
    );
    s.findings.forEach((f, i) => assert.match(f.reason, new RegExp(k.expected.findings[i]?.reason ?? '^$')));
    assert.equal(s.status, k.expected.status, s.reason ?? '');
    if (k.expected.status === 'success') return;
    const error = firstError(s);
    assert.ok(error, 'a failed relocation names its error');
    assert.equal(s.reason, describeFinding({ relocationId: k.relocationId, ...error }), 'the reason is the first error, with relocation, model, pk and field');
    assert.deepEqual(s.models, {}, 'nothing the relocation wrote is left in its PrimaryKeyMap');
  });
}

test('a good relocation running alongside the corpus completes as it would alone', async () => {
  const s = await outcome(good);
  assert.equal(s.status, 'success', JSON.stringify(s.findings));
  assert.deepEqual(s.findings, []);
  assert.equal(s.events, 40);
  assert.deepEqual(s.slugs, { acme: 'acme' });
  assert.deepEqual(s.models['sentry.organizationmember'], { inserted: 4, existing: 0, overwritten: 0 });
  assert.equal(await rowCount(world.connections.pool, `sentry_organization WHERE slug = 'acme' AND status = 0`), 1);
});

test('no failed relocation leaves a row in any of Sentry\'s tables', async () => {
  await Promise.allSettled(outcomes.values());
  const succeeded: string[] = [];
  for (const [name, p] of outcomes) {
    const s = await p.catch(() => undefined);
    if (s?.status === 'success') succeeded.push(name === good ? good : `corpus-${name}`);
  }
  const leftover = await unaccountedRows(world.connections.pool, succeeded);
  const grown = Object.entries(leftover).filter(([table, n]) => n !== before_[table]);
  assert.deepEqual(grown, []);
});

test('relocate status lists every failed case with its reason, and every stage is still running', async () => {
  const run = await runCli(['status', '--json'], world.env);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  const listed = new Map((run.result as Array<{ relocationId: string; status: string; reason: string | null }>).map((r) => [r.relocationId, r]));
  for (const k of cases.filter((c: Case) => c.expected.status === 'failure')) {
    const s = await outcome(k.name);
    assert.deepEqual(listed.get(k.relocationId), { ...listed.get(k.relocationId), status: 'failure', reason: s.reason }, k.name);
  }
  assert.deepEqual(hosted.stages.map((s) => [s.stage, s.state()]), stageNames.map((n) => [n, 'running']));
});
