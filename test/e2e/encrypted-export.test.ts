import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RelocationSummary } from '@relocate/database';
import { disconnect } from '@relocate/pipeline';
import { rowCount } from '../harness/digest.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { runCli } from '../harness/processes.ts';

const fixture = fileURLToPath(new URL('../../../shared/fixtures/sentry/fresh-install.json', import.meta.url));
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
  keyPair('other');
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
});

async function failedImport(tarball: string, key: string, relocationId: string): Promise<RelocationSummary> {
  const run = await runCli(['import', tarball, '--decrypt-with', key, '--relocation-id', relocationId, '--json'], world.env);
  assert.equal(run.code, 1, run.stderr.slice(-2000));
  const summary = run.result as RelocationSummary;
  assert.equal(summary.status, 'failure');
  assert.equal(summary.findings.length, 1);
  assert.equal(summary.findings[0]?.kind, 'DecryptionFailed');
  assert.equal(await rowCount(world.connections.pool, `relocate.pk_map WHERE relocation_id = '${relocationId}'`), 0, 'nothing was written');
  return summary;
}

test('a wrong key, a truncated tarball and a tampered payload each fail with their own finding', async () => {
  const tar = readFileSync(file('export.tar'));
  writeFileSync(file('truncated.tar'), tar.subarray(0, 1024));
  // The Fernet token is base64url text inside the first member; changing one character breaks its HMAC.
  const tampered = Buffer.from(tar);
  const at = 512 + 200;
  tampered[at] = tampered[at] === 0x41 ? 0x42 : 0x41;
  writeFileSync(file('tampered.tar'), tampered);

  const reasons = [
    (await failedImport(file('export.tar'), file('other.pem'), 'encrypted-wrong-key')).findings[0]?.reason ?? '',
    (await failedImport(file('truncated.tar'), file('ours.pem'), 'encrypted-truncated')).findings[0]?.reason ?? '',
    (await failedImport(file('tampered.tar'), file('ours.pem'), 'encrypted-tampered')).findings[0]?.reason ?? '',
  ];
  assert.match(reasons[0] as string, /public key/i);
  assert.match(reasons[1] as string, /truncated/i);
  assert.match(reasons[2] as string, /tamper|HMAC|invalid token/i);
  assert.equal(new Set(reasons).size, 3);
});
