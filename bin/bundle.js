// Runs a TypeScript entry point from a bundle of it: plain JavaScript that esbuild builds into .cache/bundle/ and
// builds again whenever one of its sources is newer. A fresh clone needs no build step, and the running process
// carries no TypeScript loader: tsx's loader runs in a thread of its own, which cost ~50 MB of every process.
// Our packages are bundled; everything from node_modules stays an import, resolved from the repository as before.
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, '.cache', 'bundle');

/** Our workspace packages are bundled; any other bare import is a dependency in node_modules. */
const dependenciesStayImports = {
  name: 'dependencies-stay-imports',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@relocate/') ? undefined : { path: args.path, external: true }));
  },
};

/** A module finds its files (schemas, migrations) beside its source: import.meta.url keeps naming the source file. */
const sourceLocations = {
  name: 'source-locations',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

/** Whether every source of the last build is older than its bundle. */
async function fresh(bundle, meta) {
  try {
    const built = (await stat(bundle)).mtimeMs;
    const inputs = Object.keys(JSON.parse(await readFile(meta, 'utf8')).inputs);
    const times = await Promise.all(inputs.map(async (input) => (await stat(path.join(root, input))).mtimeMs));
    return times.every((t) => t < built);
  } catch {
    return false; // no bundle yet, or a source is gone
  }
}

/** The file URL of the entry's bundle, built first if missing or stale. */
export async function bundled(entry) {
  const name = path.relative(root, path.resolve(root, entry)).replace(/\.ts$/, '').replaceAll(path.sep, '__');
  const bundle = path.join(outDir, `${name}.mjs`);
  const meta = path.join(outDir, `${name}.meta.json`);
  if (!(await fresh(bundle, meta))) {
    // Processes that start together may build at once: each builds in a folder of its own and renames into place.
    const work = path.join(outDir, `.build-${process.pid}`);
    const started = new Date();
    await mkdir(work, { recursive: true });
    const { build } = await import('esbuild'); // only when building: a process that runs a fresh bundle never loads it
    const result = await build({
      entryPoints: [path.resolve(root, entry)],
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: path.join(work, path.basename(bundle)),
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      logLevel: 'error',
      plugins: [dependenciesStayImports, sourceLocations],
    });
    await writeFile(path.join(work, path.basename(meta)), JSON.stringify(result.metafile));
    for (const file of [`${path.basename(bundle)}.map`, path.basename(bundle), path.basename(meta)]) await rename(path.join(work, file), path.join(outDir, file));
    await rm(work, { recursive: true, force: true });
    // Dated when the build read its sources: one saved while it ran is newer, and makes the next start build again.
    await utimes(bundle, started, started);
  }
  return pathToFileURL(bundle).href;
}
