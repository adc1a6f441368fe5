// Finding Java runtimes: $JAVA_HOME, /usr/lib/jvm/*, and `java` on PATH.
import fs from 'node:fs';
import path from 'node:path';
import { run } from './process.ts';
import { StackError } from './errors.ts';

export interface JavaRuntime {
  /** Absolute path of the java binary (or 'java' when only found on PATH). */
  path: string;
  /** Feature release, e.g. 17, 21, 25 (8 for "1.8.0_x"). */
  major: number;
  /** Full version string from `java -version`, e.g. "17.0.15". */
  version: string;
  /** Where it was found. */
  source: 'JAVA_HOME' | 'PATH' | '/usr/lib/jvm';
}

/** Parse the first line of `java -version` output, e.g. `openjdk version "17.0.15" 2025-04-15`. */
export function parseJavaVersion(output: string): { version: string; major: number } | undefined {
  const match = /version "([^"]+)"/.exec(output);
  if (!match?.[1]) return undefined;
  const version = match[1];
  const parts = version.split(/[._+-]/);
  const first = Number(parts[0]);
  const major = first === 1 ? Number(parts[1]) : first;
  return Number.isInteger(major) && major > 0 ? { version, major } : undefined;
}

async function probe(javaPath: string, source: JavaRuntime['source']): Promise<JavaRuntime | undefined> {
  try {
    const { stdout, stderr } = await run(javaPath, ['-version'], { timeoutMs: 15_000 });
    const parsed = parseJavaVersion(`${stderr}\n${stdout}`);
    return parsed ? { path: javaPath, source, ...parsed } : undefined;
  } catch {
    return undefined;
  }
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

let cached: Promise<JavaRuntime[]> | undefined;

/** All distinct working Java runtimes; the first is the default (JAVA_HOME, else PATH). */
export function findJavas(): Promise<JavaRuntime[]> {
  cached ??= (async () => {
    const candidates: Array<[string, JavaRuntime['source']]> = [];
    const javaHome = process.env.JAVA_HOME;
    if (javaHome) candidates.push([path.join(javaHome, 'bin', 'java'), 'JAVA_HOME']);
    candidates.push(['java', 'PATH']);
    try {
      for (const entry of fs.readdirSync('/usr/lib/jvm').sort()) {
        const bin = path.join('/usr/lib/jvm', entry, 'bin', 'java');
        if (fs.existsSync(bin)) candidates.push([bin, '/usr/lib/jvm']);
      }
    } catch {
      // no /usr/lib/jvm
    }
    const probed = await Promise.all(candidates.map(([p, source]) => probe(p, source)));
    const seen = new Set<string>();
    const result: JavaRuntime[] = [];
    for (const java of probed) {
      if (!java) continue;
      // `java` on PATH resolves through alternatives symlinks; dedupe by the real binary.
      const key = java.path === 'java' ? `PATH:${java.version}` : realpathOr(java.path);
      if (seen.has(key)) continue;
      seen.add(key);
      // Drop the PATH entry when the same version was already found by absolute path.
      if (java.source === 'PATH' && result.some((j) => j.version === java.version)) continue;
      result.push(java);
    }
    return result;
  })();
  return cached;
}

/** The default Java (JAVA_HOME, else PATH, else any), requiring at least `minMajor`. */
export async function defaultJava(minMajor: number): Promise<JavaRuntime> {
  const javas = await findJavas();
  const preferred = javas.find((j) => j.major >= minMajor && j.source !== '/usr/lib/jvm');
  const any = preferred ?? javas.find((j) => j.major >= minMajor);
  if (!any) {
    const found = javas.map((j) => `${j.path} (${j.version})`).join(', ') || 'none';
    throw new StackError(`no Java ${minMajor} or newer found (checked $JAVA_HOME, PATH, /usr/lib/jvm/*; found: ${found})`);
  }
  return any;
}

/** The newest Java of at least `minMajor`, preferring $JAVA_HOME when it qualifies; undefined if none. */
export async function newestJava(minMajor: number): Promise<JavaRuntime | undefined> {
  const javas = (await findJavas()).filter((j) => j.major >= minMajor);
  const home = javas.find((j) => j.source === 'JAVA_HOME');
  if (home) return home;
  return javas.sort((a, b) => b.major - a.major)[0];
}
