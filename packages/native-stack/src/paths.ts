// Filesystem layout of the native stack. Everything is relative to the repository root,
// which is two levels up from this folder (packages/native-stack/src -> repo root).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot: string = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

/** Downloaded and extracted artifacts (git-ignored). Fetched once, reused across runs. */
export const cacheDir: string = path.join(repoRoot, '.cache');
/** Runtime state: pid files, logs, Kafka data, generated properties (git-ignored). */
export const runDir: string = path.join(repoRoot, '.run');

export const infraNativeDir: string = path.join(repoRoot, 'infra', 'native');

export const paths = {
  kafkaPom: path.join(infraNativeDir, 'pom.xml'),
  kafka4Pom: path.join(infraNativeDir, 'kafka4', 'pom.xml'),
  kafkaPropertiesTemplate: path.join(infraNativeDir, 'kafka', 'server.properties'),
  kafkaLog4j: path.join(infraNativeDir, 'kafka', 'log4j.properties'),
  kafkaLog4j2: path.join(infraNativeDir, 'kafka4', 'log4j2.properties'),
  /** 3.9.1's jars keep the folder they always had (the test harness runs the broker's tools from it). */
  kafkaLibs: (version: string): string => path.join(cacheDir, version === '3.9.1' ? 'kafka-libs' : `kafka-libs-${version}`),
  apicurioDir: (version: string): string => path.join(cacheDir, `apicurio-${version}`),

  kafkaRun: path.join(runDir, 'kafka'),
  kafkaData: path.join(runDir, 'kafka', 'data'),
  kafkaProperties: path.join(runDir, 'kafka', 'server.properties'),
  kafkaPid: path.join(runDir, 'kafka', 'kafka.pid'),
  registryRun: path.join(runDir, 'registry'),
  registryPid: path.join(runDir, 'registry', 'registry.pid'),
  registryInfo: path.join(runDir, 'registry', 'registry.json'),
  logs: path.join(runDir, 'logs'),
  kafkaLog: path.join(runDir, 'logs', 'kafka.log'),
  registryLog: path.join(runDir, 'logs', 'registry.log'),
} as const;

/** Name of the marker file written into a cache folder once it is complete. */
export const COMPLETE_MARKER = '.complete';
