// A lock file under .run so that concurrent stackUp/stackDown calls (e.g. parallel test files)
// do not start two brokers. The file holds the owner's pid; a lock whose owner died is taken over.
import fs from 'node:fs';
import path from 'node:path';
import { runDir } from './paths.ts';
import { isAlive, readPidFile, sleep, type Log } from './process.ts';
import { StackError } from './errors.ts';

const lockFile = path.join(runDir, 'stack.lock');
const WAIT_MS = 10 * 60_000; // a cold first start downloads ~300 MB

let inProcess: Promise<unknown> = Promise.resolve();

/** Run fn while holding the stack lock: serialised within this process, and across processes. */
export function withStackLock<T>(log: Log, fn: () => Promise<T>): Promise<T> {
  const result = inProcess.then(() => withFileLock(log, fn));
  inProcess = result.catch(() => undefined);
  return result;
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

async function withFileLock<T>(log: Log, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(runDir, { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readPidFile(lockFile);
    // Calls within this process are serialised above, so a lock naming our own pid is a leftover
    // (pid reuse). An empty file younger than 5 s is a lock being written right now.
    const stale = owner === undefined ? ageMs(lockFile) > 5000 : owner === process.pid || !isAlive(owner);
    if (stale) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new StackError(`timed out waiting for the stack lock ${lockFile} held by pid ${owner ?? '?'}`);
    if (!announced && owner !== undefined) {
      log(`stack: waiting for pid ${owner}, which is starting or stopping the stack`);
      announced = true;
    }
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
