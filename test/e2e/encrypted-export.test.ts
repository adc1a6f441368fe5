import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RelocationSummary } from '@relocate/database';
import { disconnect } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { runCli } from '../harness/processes.ts';
import { sentryFixture } from '../harness/fixtures.ts';

const fixture = sentryFixture('fresh-install.json');
const dir = mkdtempSync(path.join(tmpdir(), 'relocate-encrypted-'));
const file = (name: string): string => path.join(dir, name);
let world: TestEnvironment;

function keyPair(name: string): void {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(file(`${name}.pub.pem`), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(file(`${name}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }));
}

before(async () => {
  world = await testEnvironment('encrypted');
  keyPair('ours');
  const run = await runCli(['encrypt', fixture, '--encrypt-with', file('ours.pub.pem'), '-o', file('export.tar')], world.env);
  assert.equal(run.code, 0, run.stderr);
});

after(async () => {
  await disconnect(world.connections);
});

test('relocate encrypt writes a tarball that import --decrypt-with relocates', async () => {
  const run = await runCli(['import', file('export.tar'), '--decrypt-with', file('ours.pem'), '--scope', 'global', '--json'], world.env);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  const summary = run.result as RelocationSummary;
  assert.equal(summary.status, 'success');
  assert.deepEqual(summary.models['sentry.user'], { inserted: 3, existing: 0, overwritten: 0 });
  // What was decrypted is what was encrypted: the relocation verifies against the plain export.
  const verified = await runCli(['verify', summary.relocationId, '--export', fixture, '--json'], world.env);
  assert.equal(verified.code, 0, verified.stdout.slice(-3000));
  assert.deepEqual(verified.result, { ok: true, checked: 34, mismatches: [] });
});
