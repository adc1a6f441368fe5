import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { StageName } from '@relocate/codec';
import { type Connections, liveStages } from '@relocate/pipeline';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Service { stage: StageName; child: ChildProcess; output(): string }

/** Starts a stage service's own main as a separate process, as production runs it. */
export function startService(stage: StageName, env: NodeJS.ProcessEnv): Service {
  const child = spawn(process.execPath, ['bin/run.js', `services/${stage}/src/main.ts`], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { stage, child, output: () => output };
}

export async function waitForStages(c: Connections, stages: StageName[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await liveStages(c);
    if (stages.every((s) => live.includes(s))) return;
    if (Date.now() > deadline) throw new Error(`stages not live after ${timeoutMs} ms: ${stages.filter((s) => !live.includes(s)).join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Sends SIGTERM to a service or CLI process and returns the exit code (a graceful stop exits 0). */
export async function stopService(s: { child: ChildProcess }, timeoutMs = 30_000): Promise<number | null> {
  // A process killed by a signal has no exit code, only a signal code; either way it has already exited.
  if (s.child.exitCode !== null || s.child.signalCode !== null) return s.child.exitCode;
  const exited = once(s.child, 'exit');
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), timeoutMs);
  const [code] = (await exited) as [number | null];
  clearTimeout(timer);
  return code;
}

export interface CliRun { code: number | null; stdout: string; stderr: string; result: unknown }

/** Runs the relocate CLI as a user would; `result` is the JSON object on the last line of stdout. */
/** A one-shot command that has not exited after timeoutMs is killed and reported, so a hang fails a test instead of stalling the suite. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<CliRun> {
  const child = spawn(process.execPath, ['bin/relocate.js', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => {
    stderr += `\n[test harness] relocate ${args.join(' ')} did not exit within ${timeoutMs} ms; killed\n`;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  const last = stdout.trim().split('\n').pop() ?? '';
  let result: unknown;
  try {
    result = JSON.parse(last);
  } catch {
    result = undefined;
  }
  return { code, stdout, stderr, result };
}

export interface CliProcess { child: ChildProcess; output(): string }

/** Starts a long-running CLI command (`relocate dashboard`, `relocate lag --watch`) as a user would. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, ['bin/relocate.js', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}
