/**
 * Contestant 5, relocate one-shot: the command a user types, `relocate import <export> --events <events> --json`,
 * with no stage live. Its topic prefix is its own, so every consumer group is empty and the CLI hosts all five
 * stages itself. The clock runs from spawn to exit: starting Node and the CLI, starting the stages and joining their
 * groups are in it, unlike in the relocate contestant. The peak RSS and CPU are the CLI process's, not this one's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@relocate/config';
import type { RelocationSummary } from '@relocate/database';
import { createLogger } from '@relocate/logging';
import { connect, disconnect } from '@relocate/pipeline';
import { contestantInput, countTables, deleteTopicsWithPrefix, freshDatabase, report } from './contestant.ts';

const cli = fileURLToPath(new URL('../../bin/relocate.js', import.meta.url));
// /proc/<pid>/stat counts CPU in USER_HZ ticks, 100 a second on Linux.
const ticksPerSecond = 100;

/**
 * A running process's peak RSS (VmHWM) and CPU, read from /proc every 50 ms: a child's getrusage is not to be had
 * from Node. VmHWM only grows, so a late read loses at most what the last 50 ms added.
 */
function watchUsage(pid: number): () => { peakRssBytes: number; cpuMs: number } {
  const seen = { peakRssBytes: 0, cpuMs: 0 };
  const read = (): void => {
    try {
      const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm?.[1]) seen.peakRssBytes = Number(hwm[1]) * 1024;
      // The fields after the command's name, which may hold spaces itself: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seen.cpuMs = ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000;
    } catch {
      // gone between two reads: the last one stands
    }
  };
  const timer = setInterval(read, 50);
  read();
  return () => {
    clearInterval(timer);
    return seen;
  };
}

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });

report(async () => {
  const input = contestantInput();
  const config = loadConfig();
  await (await freshDatabase(config)).end();
  // Before the clock, as on every start but a fresh clone's first: the CLI's bundle is built.
  if ((await exited(spawn(process.execPath, [cli, '--help'], { stdio: 'ignore' }))) !== 0) throw new Error(`${cli} --help failed`);

  const start = performance.now();
  const child = spawn(process.execPath, [cli, 'import', input.exportPath, '--events', input.eventsPath, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const usage = child.pid === undefined ? undefined : watchUsage(child.pid);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const code = await exited(child);
  const wallMs = performance.now() - start;
  const { peakRssBytes, cpuMs } = usage?.() ?? { peakRssBytes: 0, cpuMs: 0 };

  const last = out.trimEnd().split('\n').pop() ?? '';
  let summary: RelocationSummary;
  try {
    summary = JSON.parse(last) as RelocationSummary;
  } catch {
    throw new Error(`relocate import exited with ${code} and printed no result; its stdout ended with: ${last.slice(-300)}`);
  }
  if (code !== 0 || summary.status !== 'success') throw new Error(`relocate import exited with ${code}: relocation ${summary.relocationId} ${summary.status}: ${summary.reason ?? 'no reason'}`);

  const c = await connect(config, createLogger('bench-relocate-oneshot', config.logLevel));
  try {
    return { contestant: 'relocate-oneshot', rows: input.rows, wallMs, cpuMs, peakRssBytes, tables: await countTables(c.pool) };
  } finally {
    await deleteTopicsWithPrefix(c.kafka, config.topicPrefix);
    await disconnect(c);
  }
});
