// Apicurio Registry (Confluent-compatible API at /apis/ccompat/v7), stored in a PostgreSQL database of its own.
import fs from 'node:fs';
import path from 'node:path';
import { stackConfig } from './config.ts';
import { PartStartError, PortInUseError, StackError } from './errors.ts';
import { defaultJava, newestJava, type JavaRuntime } from './java.ts';
import { ensureApicurio } from './maven.ts';
import { paths, repoRoot } from './paths.ts';
import { DEFAULT_DATABASE_URL } from './postgres.ts';
import {
  formatCommand,
  isAlive,
  livePid,
  portAnswers,
  removeFile,
  sleep,
  spawnDetached,
  stopProcess,
  tailFile,
  writePidFile,
  type Log,
} from './process.ts';

/** Newest served version; compiled for Java 21 (fails on 17 with UnsupportedClassVersionError). */
const MODERN = { version: '3.3.3', minJava: 21, launcher: 'quarkus-run.jar' } as const;
/** Fallback that runs on Java 17. */
const LEGACY = { version: '3.0.9', minJava: 17, launcher: 'apicurio-registry-app-3.0.9-runner.jar' } as const;

const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;

export interface RegistryPlan {
  version: string;
  launcher: string;
  java: JavaRuntime;
}

export interface RegistryInfo {
  version: string;
  java: string;
  javaVersion: string;
  javaMajor: number;
  port: number;
  url: string;
  startedAt: string;
}

/** The registry's own database on the machine's PostgreSQL: one per registry port, so stacks side by side stay apart. */
export function registryDatabaseUrl(): string {
  return DEFAULT_DATABASE_URL.replace(/\/[^/]*$/, `/relocate_registry_${stackConfig().registryPort}`);
}

function registryJdbcUrl(): string {
  const url = new URL(registryDatabaseUrl());
  return `jdbc:postgresql://${url.host}${url.pathname}`;
}

export function registryUrl(): string {
  const { host, registryPort } = stackConfig();
  return `http://${host}:${registryPort}/apis/ccompat/v7`;
}

/** Apicurio 3.3.3 when a Java 21+ is available, else 3.0.9 on the default Java (17+). */
export async function planRegistry(): Promise<RegistryPlan> {
  const modernJava = await newestJava(MODERN.minJava);
  if (modernJava) return { version: MODERN.version, launcher: MODERN.launcher, java: modernJava };
  return { version: LEGACY.version, launcher: LEGACY.launcher, java: await defaultJava(LEGACY.minJava) };
}

export function readRegistryInfo(): RegistryInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(paths.registryInfo, 'utf8')) as RegistryInfo;
  } catch {
    return undefined;
  }
}

/** The marker in the command line that identifies our registry process behind a pid file. */
const PROCESS_MARKER = 'apicurio-';

export function registryPid(): number | undefined {
  return livePid(paths.registryPid, PROCESS_MARKER);
}

/** True when GET <url>/subjects answers 200. */
export async function registryAnswers(url = registryUrl(), timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function waitReady(pid: number | undefined, command: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (pid !== undefined && !isAlive(pid)) {
      removeFile(paths.registryPid);
      throw new PartStartError('schema-registry', `process ${pid} exited during startup`, command, paths.registryLog, await tailFile(paths.registryLog));
    }
    if (await registryAnswers()) return;
    await sleep(250);
  }
  throw new PartStartError(
    'schema-registry',
    `GET ${registryUrl()}/subjects did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`,
    command,
    paths.registryLog,
    await tailFile(paths.registryLog),
  );
}

export interface PreparedRegistry {
  plan: RegistryPlan;
  launcherPath: string;
}

/** Download step. Undefined when our registry already runs. */
export async function prepareRegistry(log: Log, plan?: RegistryPlan): Promise<PreparedRegistry | undefined> {
  const { host, registryPort } = stackConfig();
  const pid = registryPid();
  if (pid !== undefined) {
    const info = readRegistryInfo();
    if (info && info.port !== registryPort) {
      throw new StackError(
        `schema-registry: pid ${pid} runs on port ${info.port}, but ${registryPort} is configured; run stackDown first to change ports`,
      );
    }
    return undefined;
  }
  // Fail before anything is downloaded or started when the port belongs to someone else.
  if (await portAnswers(registryPort, host)) throw new PortInUseError('schema-registry', registryPort);
  const chosen = plan ?? (await planRegistry());
  const launcherPath = await ensureApicurio(chosen.version, chosen.launcher, log);
  return { plan: chosen, launcherPath };
}

/** Start the registry unless ours already runs; resolves when it answers. Returns its pid. */
export async function startRegistry(prepared: PreparedRegistry | undefined, log: Log): Promise<number> {
  const { host, registryPort } = stackConfig();
  const existing = registryPid();
  if (existing !== undefined) {
    if (await registryAnswers()) {
      log(`schema-registry: already running (pid ${existing}) at ${registryUrl()}`);
      return existing;
    }
    log(`schema-registry: pid ${existing} is starting, waiting for ${registryUrl()}`);
    await waitReady(existing, `(already running pid ${existing})`);
    return existing;
  }
  if (await portAnswers(registryPort, host)) throw new PortInUseError('schema-registry', registryPort);
  const prep = prepared ?? (await prepareRegistry(log));
  if (!prep) return startRegistry(undefined, log); // started concurrently meanwhile
  const { plan, launcherPath } = prep;

  const args = [
    '-Xmx384m',
    `-Dquarkus.http.host=${host}`,
    `-Dquarkus.http.port=${registryPort}`,
    // 3.3.x opens a management interface on 0.0.0.0:9000. `enabled=false` is ignored there
    // (fixed at build time, it only logs a warning), so also bind it to loopback on a random port.
    '-Dquarkus.management.enabled=false',
    `-Dquarkus.management.host=${host}`,
    '-Dquarkus.management.port=0',
    // SQL storage on the machine's PostgreSQL, one database per registry port: schema ids written into Kafka
    // records outlive a restart of the registry (the default, H2 in memory, loses them). A small pool, since
    // the server is shared.
    '-Dapicurio.storage.kind=sql',
    '-Dapicurio.storage.sql.kind=postgresql',
    `-Dapicurio.datasource.url=${registryJdbcUrl()}`,
    '-Dapicurio.datasource.username=postgres',
    '-Dapicurio.datasource.password=',
    '-Dapicurio.datasource.jdbc.initial-size=2',
    '-Dapicurio.datasource.jdbc.min-size=2',
    '-Dapicurio.datasource.jdbc.max-size=10',
    // Let tests and developers delete subjects and versions (disabled by default in 3.x).
    '-Dapicurio.rest.deletion.group.enabled=true',
    '-Dapicurio.rest.deletion.artifact.enabled=true',
    '-Dapicurio.rest.deletion.artifact-version.enabled=true',
    '-jar',
    launcherPath,
  ];
  const command = formatCommand(plan.java.path, args);
  log(
    `schema-registry: starting Apicurio Registry ${plan.version} on Java ${plan.java.version} at ${registryUrl()} ` +
      `(log ${path.relative(repoRoot, paths.registryLog)})`,
  );
  const started = Date.now();
  fs.mkdirSync(paths.registryRun, { recursive: true });
  const pid = await spawnDetached(plan.java.path, args, { cwd: path.dirname(launcherPath), logFile: paths.registryLog });
  writePidFile(paths.registryPid, pid);
  const info: RegistryInfo = {
    version: plan.version,
    java: plan.java.path,
    javaVersion: plan.java.version,
    javaMajor: plan.java.major,
    port: registryPort,
    url: registryUrl(),
    startedAt: new Date().toISOString(),
  };
  fs.writeFileSync(paths.registryInfo, `${JSON.stringify(info, null, 2)}\n`);
  await waitReady(pid, command);
  log(`schema-registry: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${pid})`);
  return pid;
}

export async function stopRegistry(log: Log): Promise<void> {
  const pid = registryPid();
  if (pid !== undefined) {
    log(`schema-registry: stopping pid ${pid}`);
    await stopProcess(pid, STOP_GRACE_MS, log, 'schema-registry');
  }
  removeFile(paths.registryPid);
  removeFile(paths.registryInfo);
}
