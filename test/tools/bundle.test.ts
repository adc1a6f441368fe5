import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from '../../bin/bundle.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('a bundle is built again when one of its sources is newer, and keeps naming its sources\' own locations', async () => {
  const dir = path.join(root, '.cache', 'bundle-test', String(process.pid));
  await mkdir(dir, { recursive: true });
  let bundleFile: string | undefined;
  try {
    const entry = path.join(dir, 'entry.ts');
    const dep = path.join(dir, 'dep.ts');
    await writeFile(entry, `import { value } from './dep.ts';\nexport const result: string = value;\nexport const where: string = import.meta.url;\n`);
    await writeFile(dep, `export const value: string = 'first';\n`);
    const first = await bundled(entry);
    const a = await import(`${first}?1`) as { result: string; where: string };
    assert.equal(a.result, 'first');
    assert.equal(fileURLToPath(a.where), entry);
    assert.equal(await bundled(entry), first, 'an up-to-date bundle is reused');
    bundleFile = fileURLToPath(first);

    await writeFile(dep, `export const value: string = 'second';\n`);
    const later = new Date(Date.now() + 2_000);
    await utimes(dep, later, later);
    const second = await bundled(entry);
    assert.equal(second, first, 'the bundle keeps its place');
    const b = await import(`${second}?2`) as { result: string };
    assert.equal(b.result, 'second');
    await rm(bundleFile.replace(/\.mjs$/, '.meta.json'));
    await writeFile(dep, `export const value: string = 'third';\n`);
    await utimes(dep, new Date(0), new Date(0));
    const c = await import(`${await bundled(entry)}?3`) as { result: string };
    assert.equal(c.result, 'third', 'without the record of its sources a bundle is never trusted');
  } finally {
    await rm(dir, { recursive: true, force: true });
    if (bundleFile) for (const f of [bundleFile, `${bundleFile}.map`, bundleFile.replace(/\.mjs$/, '.meta.json')]) await rm(f, { force: true });
  }
});
