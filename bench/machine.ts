import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Pool } from '@relocate/database';

export interface Machine { cpus: number; cpuModel: string; memoryGiB: number; os: string; node: string; postgres: string }

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    // not Linux: fall back to what Node knows
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** The machine the numbers came from, as the README states it. */
export async function describeMachine(pool: Pool): Promise<Machine> {
  const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: rows[0]?.v ?? 'unknown',
  };
}
