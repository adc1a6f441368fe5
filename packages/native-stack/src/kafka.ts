// Kafka 3.9 or 4.x (RELOCATE_KAFKA_VERSION), single-node KRaft, run from the Maven jars in .cache/kafka-libs[-<version>].
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { stackConfig } from './config.ts';
import { PartStartError, PortInUseError, StackError } from './errors.ts';
import { defaultJava, type JavaRuntime } from './java.ts';
import { ensureKafkaLibs } from './maven.ts';
import { paths, repoRoot } from './paths.ts';
import {
  formatCommand,
  isAlive,
  livePid,
  portAnswers,
  removeFile,
  run,
  sleep,
  spawnDetached,
  stopProcess,
  tailFile,
  writePidFile,
  type Log,
} from './process.ts';

/** Appears in the broker's command line; used to recognise our process behind a pid file. */
const PROCESS_MARKER = 'kafka.Kafka';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;

interface KafkaInfo {
  version: string;
  java: string;
  javaVersion: string;
  javaMajor: number;
  port: number;
  controllerPort: number;
  startedAt: string;
}
const infoFile = path.join(paths.kafkaRun, 'kafka.json');

export function readKafkaInfo(): KafkaInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(infoFile, 'utf8')) as KafkaInfo;
  } catch {
    return undefined;
  }
}

/** Replace ${NAME} placeholders; every placeholder in the template must have a value. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (whole: string, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`template placeholder ${whole} has no value`);
    return value;
  });
}

function writeProperties(): string {
  const { host, kafkaPort, controllerPort } = stackConfig();
  const template = fs.readFileSync(paths.kafkaPropertiesTemplate, 'utf8');
  const rendered = renderTemplate(template, {
    HOST: host,
    KAFKA_PORT: String(kafkaPort),
    CONTROLLER_PORT: String(controllerPort),
    LOG_DIRS: paths.kafkaData,
  });
  fs.mkdirSync(paths.kafkaRun, { recursive: true });
  fs.writeFileSync(paths.kafkaProperties, rendered);
  return paths.kafkaProperties;
}

/** Kafka 3 logs through reload4j (log4j 1 syntax), Kafka 4 through log4j2: each gets its own configuration. */
function loggingArgs(): string[] {
  return stackConfig().kafkaVersion.startsWith('3.') ? [`-Dlog4j.configuration=file:${paths.kafkaLog4j}`] : [`-Dlog4j2.configurationFile=${paths.kafkaLog4j2}`];
}

function javaArgs(libs: string, mainClass: string, extra: readonly string[], heap?: string): string[] {
  return [
    ...(heap ? [`-Xmx${heap}`] : []),
    '-Djava.awt.headless=true',
    ...loggingArgs(),
    `-Dkafka.log.file=${paths.kafkaLog}`,
    '-cp',
    `${libs}/*`,
    mainClass,
    ...extra,
  ];
}

const dataVersionFile = path.join(paths.kafkaRun, 'data-version');

/**
 * Format the KRaft storage once (skipped when the data dir already carries meta.properties). Data kept from one
 * release is not started under another: 4.x cannot be downgraded, and a version switch is meant to start clean.
 */
async function formatStorage(java: JavaRuntime, libs: string, props: string, log: Log): Promise<void> {
  const { kafkaVersion } = stackConfig();
  if (fs.existsSync(path.join(paths.kafkaData, 'meta.properties'))) {
    const dataVersion = fs.existsSync(dataVersionFile) ? fs.readFileSync(dataVersionFile, 'utf8').trim() : '3.9.1';
    if (dataVersion !== kafkaVersion) {
      throw new StackError(`kafka: ${paths.kafkaData} holds Kafka ${dataVersion}'s data, but ${kafkaVersion} is configured (RELOCATE_KAFKA_VERSION); run \`relocate stack down\` first (it removes the data)`);
    }
    return;
  }
  fs.mkdirSync(paths.kafkaData, { recursive: true });
  const uuidArgs = javaArgs(libs, 'kafka.tools.StorageTool', ['random-uuid']);
  const { stdout } = await run(java.path, uuidArgs);
  const clusterId = stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (!/^[A-Za-z0-9_-]{22}$/.test(clusterId)) {
    throw new PartStartError('kafka', `unexpected cluster id ${JSON.stringify(stdout)}`, formatCommand(java.path, uuidArgs), paths.kafkaLog, await tailFile(paths.kafkaLog));
  }
  log(`kafka: formatting storage in ${paths.kafkaData} (cluster id ${clusterId})`);
  await run(java.path, javaArgs(libs, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', props, '--ignore-formatted']));
  fs.writeFileSync(dataVersionFile, `${kafkaVersion}\n`);
}

/** One readiness probe: the group coordinator answers a DescribeGroups request. */
export async function kafkaCoordinatorAnswers(brokers: string[]): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'relocate-stack-readiness',
    brokers,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    // A few quick internal retries: the first lookup of a coordinator fails with "no brokers in
    // the broker pool" until kafkajs has refreshed its metadata, which its retrier does.
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    // The first probes get "coordinator is loading" errors; they are expected, so stay quiet.
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeGroups(['relocate-readiness']);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function kafkaBrokers(): string[] {
  const { host, kafkaPort } = stackConfig();
  return [`${host}:${kafkaPort}`];
}

/** Live pid of the broker we started (a stale pid file is removed). */
export function kafkaPid(): number | undefined {
  return livePid(paths.kafkaPid, PROCESS_MARKER);
}

async function waitReady(pid: number | undefined, command: string, deadlineMs: number): Promise<void> {
  const { host, kafkaPort } = stackConfig();
  const brokers = kafkaBrokers();
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (pid !== undefined && !isAlive(pid)) {
      removeFile(paths.kafkaPid);
      throw new PartStartError('kafka', `process ${pid} exited during startup`, command, paths.kafkaLog, await tailFile(paths.kafkaLog));
    }
    if ((await portAnswers(kafkaPort, host)) && (await kafkaCoordinatorAnswers(brokers))) return;
    await sleep(500);
  }
  throw new PartStartError(
    'kafka',
    `not ready within ${deadlineMs / 1000} s (port ${kafkaPort} and group coordinator)`,
    command,
    paths.kafkaLog,
    await tailFile(paths.kafkaLog),
  );
}

export interface PreparedKafka {
  java: JavaRuntime;
  libs: string;
}

/** Download step, done before anything is started. Undefined when the broker already runs. */
export async function prepareKafka(log: Log): Promise<PreparedKafka | undefined> {
  const { host, kafkaPort, controllerPort, kafkaVersion } = stackConfig();
  const pid = kafkaPid();
  if (pid !== undefined) {
    const info = readKafkaInfo();
    if (info && (info.port !== kafkaPort || info.controllerPort !== controllerPort)) {
      throw new StackError(
        `kafka: pid ${pid} runs on ports ${info.port}/${info.controllerPort}, but ${kafkaPort}/${controllerPort} ` +
          `are configured; run stackDown first to change ports`,
      );
    }
    if (info && info.version !== kafkaVersion) {
      throw new StackError(`kafka: pid ${pid} runs Kafka ${info.version}, but ${kafkaVersion} is configured (RELOCATE_KAFKA_VERSION); run \`relocate stack down\` first to switch`);
    }
    return undefined;
  }
  // Fail before anything is downloaded or started when a port belongs to someone else.
  for (const port of [kafkaPort, controllerPort]) {
    if (await portAnswers(port, host)) throw new PortInUseError('kafka', port);
  }
  const java = await defaultJava(kafkaVersion.startsWith('3.') ? 11 : 17);
  const libs = await ensureKafkaLibs(kafkaVersion, log);
  return { java, libs };
}

/** Start the broker unless ours already runs; resolves when it is ready. Returns its pid. */
export async function startKafka(prepared: PreparedKafka | undefined, log: Log): Promise<number> {
  const { host, kafkaPort, controllerPort, kafkaVersion } = stackConfig();
  const existing = kafkaPid();
  if (existing !== undefined) {
    if (await portAnswers(kafkaPort, host)) {
      log(`kafka: already running (pid ${existing}) on ${host}:${kafkaPort}`);
      return existing;
    }
    // Ours, alive, but not listening yet (e.g. started by a concurrent run): wait for it.
    log(`kafka: pid ${existing} is starting, waiting for ${host}:${kafkaPort}`);
    await waitReady(existing, `(already running pid ${existing})`, READY_TIMEOUT_MS);
    return existing;
  }
  for (const port of [kafkaPort, controllerPort]) {
    if (await portAnswers(port, host)) throw new PortInUseError('kafka', port);
  }
  const { java, libs } = prepared ?? { java: await defaultJava(kafkaVersion.startsWith('3.') ? 11 : 17), libs: await ensureKafkaLibs(kafkaVersion, log) };
  const props = writeProperties();
  await formatStorage(java, libs, props, log);

  const args = javaArgs(libs, 'kafka.Kafka', [props], '512m');
  const command = formatCommand(java.path, args);
  log(`kafka: starting Kafka ${kafkaVersion} on Java ${java.version}, ${host}:${kafkaPort} (log ${path.relative(repoRoot, paths.kafkaLog)})`);
  const started = Date.now();
  const pid = await spawnDetached(java.path, args, { cwd: paths.kafkaRun, logFile: paths.kafkaLog });
  writePidFile(paths.kafkaPid, pid);
  const info: KafkaInfo = {
    version: kafkaVersion,
    java: java.path,
    javaVersion: java.version,
    javaMajor: java.major,
    port: kafkaPort,
    controllerPort,
    startedAt: new Date().toISOString(),
  };
  fs.writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);
  await waitReady(pid, command, READY_TIMEOUT_MS);
  log(`kafka: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${pid})`);
  return pid;
}

/** True when the broker's data directory holds data from an earlier run. */
export function kafkaHasData(): boolean {
  return fs.existsSync(path.join(paths.kafkaData, 'meta.properties'));
}

/** Stop the broker we started; its data directory is removed too unless keepData (a restart then finds every record). */
export async function stopKafka(log: Log, keepData = false): Promise<void> {
  const pid = kafkaPid();
  if (pid !== undefined) {
    log(`kafka: stopping pid ${pid}`);
    await stopProcess(pid, STOP_GRACE_MS, log, 'kafka');
  }
  removeFile(paths.kafkaPid);
  removeFile(infoFile);
  if (!keepData) {
    fs.rmSync(paths.kafkaData, { recursive: true, force: true });
    removeFile(dataVersionFile);
  }
}
