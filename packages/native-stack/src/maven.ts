// Fetching artifacts from Maven Central into <root>/.cache, once (a marker file records completion).
import fs from 'node:fs';
import path from 'node:path';
import { COMPLETE_MARKER, paths } from './paths.ts';
import { run, type Log } from './process.ts';
import { StackError } from './errors.ts';

function isComplete(dir: string): boolean {
  return fs.existsSync(path.join(dir, COMPLETE_MARKER));
}

function markComplete(dir: string, info: Record<string, string>): void {
  fs.writeFileSync(path.join(dir, COMPLETE_MARKER), `${JSON.stringify({ ...info, at: new Date().toISOString() })}\n`);
}

/**
 * Kafka broker and tools jars of `version` in .cache/kafka-libs[-<version>]: 3.x with reload4j, 4.x with log4j2 (its
 * own pom). Returns the directory.
 */
export async function ensureKafkaLibs(version: string, log: Log): Promise<string> {
  const dir = paths.kafkaLibs(version);
  if (isComplete(dir)) return dir;
  log(`kafka: fetching Kafka ${version} jars with Maven into ${dir} (first run only)`);
  const started = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await run('mvn', [
    '-q',
    '-B',
    '-f',
    version.startsWith('3.') ? paths.kafkaPom : paths.kafka4Pom,
    `-Dkafka.version=${version}`,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${dir}`,
    '-DincludeScope=runtime',
  ]);
  const jars = fs.readdirSync(dir).filter((f) => f.endsWith('.jar'));
  if (!jars.some((j) => j.startsWith('kafka_2.13-'))) {
    throw new StackError(`kafka: Maven finished but no kafka_2.13 jar is in ${dir}`);
  }
  markComplete(dir, { version, jars: String(jars.length) });
  log(`kafka: ${jars.length} jars fetched in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

function findFile(dir: string, name: string, depth: number): string | undefined {
  const direct = path.join(dir, name);
  if (fs.existsSync(direct)) return direct;
  if (depth <= 0) return undefined;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'lib') continue;
    const found = findFile(path.join(dir, entry.name), name, depth - 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Apicurio Registry distribution (tar.gz:all) extracted into .cache/apicurio-<version>.
 * Returns the absolute path of `launcherJar` inside it (quarkus-run.jar or the -runner.jar).
 */
export async function ensureApicurio(version: string, launcherJar: string, log: Log): Promise<string> {
  const dir = paths.apicurioDir(version);
  if (isComplete(dir)) {
    const launcher = findFile(dir, launcherJar, 2);
    if (launcher) return launcher;
  }
  const artifact = `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`;
  log(`schema-registry: fetching ${artifact} with Maven into ${dir} (first run only, ~110-160 MB)`);
  const started = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  const download = path.join(dir, '.download');
  fs.mkdirSync(download, { recursive: true });
  await run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${download}`]);
  const tarball = fs.readdirSync(download).find((f) => f.endsWith('.tar.gz'));
  if (!tarball) throw new StackError(`schema-registry: Maven finished but no .tar.gz is in ${download}`);
  await run('tar', ['-xzf', path.join(download, tarball), '-C', dir]);
  // The tarball stays in ~/.m2; no need to keep a second copy here.
  fs.rmSync(download, { recursive: true, force: true });
  const launcher = findFile(dir, launcherJar, 2);
  if (!launcher) throw new StackError(`schema-registry: ${launcherJar} not found after extracting ${tarball} into ${dir}`);
  markComplete(dir, { artifact, launcher: path.relative(dir, launcher) });
  log(`schema-registry: Apicurio ${version} fetched and extracted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return launcher;
}
