import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's package, and the binary it installs. */
export const chromiumPackage = 'chromium';
const debianChromium = '/usr/bin/chromium';
const installCommand = (sudo = ''): string => `${sudo}apt-get update && ${sudo}apt-get install -y ${chromiumPackage}`;

/**
 * The Chromium the dashboard test drives, brought as the harness brings the stack: RELOCATE_CHROMIUM when set, else
 * Debian's `chromium`, installed with apt-get when the tests run as root and it is missing. Anywhere else a missing
 * browser stops the test with the package and the command that installs it.
 */
export async function ensureChromium(log: (line: string) => void = (l) => process.stderr.write(`[chromium] ${l}\n`)): Promise<string> {
  const wanted = process.env.RELOCATE_CHROMIUM;
  if (wanted) {
    if (!existsSync(wanted)) throw new Error(`RELOCATE_CHROMIUM is ${wanted}, which does not exist; unset it to use Debian's ${chromiumPackage} (${installCommand()})`);
    return wanted;
  }
  if (existsSync(debianChromium)) return debianChromium;
  if (process.getuid?.() !== 0) {
    throw new Error(`the dashboard test needs a Chromium: install Debian's ${chromiumPackage} package (${installCommand('sudo ')}), or set RELOCATE_CHROMIUM to a Chromium binary`);
  }
  log(`${debianChromium} is missing; installing Debian's ${chromiumPackage} (${installCommand()}, once per machine)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt run may hold the lock for a while (unattended upgrades): wait for it rather than fail.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  try {
    await run('apt-get', [...lock, 'update', '-qq'], { env, timeout: 600_000 });
    await run('apt-get', [...lock, 'install', '-y', '-qq', chromiumPackage], { env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`installing Debian's ${chromiumPackage} failed (${installCommand()}): ${detail}`);
  }
  if (!existsSync(debianChromium)) throw new Error(`apt-get installed ${chromiumPackage}, but ${debianChromium} is still missing`);
  log(`installed ${debianChromium}`);
  return debianChromium;
}
