import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { disconnect } from '@relocate/pipeline';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
let world: TestEnvironment;

before(async () => {
  world = await testEnvironment('terminal');
});

after(async () => {
  await disconnect(world.connections);
});

/** Runs `relocate <args>` under a pseudo-terminal (util-linux's `script`), as a person would; returns what the terminal showed. */
async function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, 'bin/relocate.js', ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, env: { ...env, COLUMNS: '120' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let raw = '';
  child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
  child.stderr.on('data', (d: Buffer) => (raw += d.toString()));
  // once() rejects when the child cannot start: say which program is missing and where it comes from.
  const [code] = (await once(child, 'exit').catch((err: unknown) => {
    throw new Error(`this test runs the CLI under util-linux's \`script\` (Debian's bsdutils package), which did not start: ${err instanceof Error ? err.message : String(err)}`);
  })) as [number | null];
  // What a person reads: escape sequences (cursor moves, bar redraws) and carriage returns taken out.
  const screen = raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n/g, '\n').replace(/\r/g, '\n');
  return { code, screen };
}

const example = ['import', 'examples/acme-export.json', '--events', 'examples/acme-events.ndjson'];

test('at a terminal, import shows bars and the summary, no JSON line, and the JSON log is in the file it names', async () => {
  const { LOG_LEVEL: _, ...env } = world.env;
  const { code, screen } = await onTerminal(example, env);
  assert.equal(code, 0, screen);
  const jsonLines = screen.split('\n').filter((l) => /\{"(level|time|msg)":/.test(l));
  assert.deepEqual(jsonLines, [], 'no JSON log line reaches the terminal');
  assert.match(screen, / reader\s+\[.*\] [\d.]+ kB\/[\d.]+ kB .*\/s ETA /, 'the reader\'s bar counts bytes, with a rate and the time left');
  assert.match(screen, / event-saver\s+\[.*\] \d+\/\d+ [\d.]+ rec\/s ETA \S+ done/);
  assert.match(screen, /relocation \S+: success\n\s+MODEL\s+INSERTED\s+EXISTING\s+OVERWRITTEN\n(?:.*\n)*\s+sentry\.organization\s+1\s+0\s+0\n/);
  assert.match(screen, /^ {2}1 organization kept its slug$/m);
  assert.match(screen, /^ {2}40 events saved$/m);
  const logFile = /^ {2}log file: (\S+)$/m.exec(screen)?.[1];
  assert.ok(logFile, 'the summary names the log file');
  const logPath = logFile.startsWith('/') ? logFile : `${root}${logFile}`;
  assert.ok(existsSync(logPath), logPath);
  const messages = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
  assert.ok(messages.includes('stages hosted') && messages.includes('relocation submitted'), messages.join(', '));
});

test('--verbose brings the JSON log back to the terminal; a second import of the same export renames what collides', async () => {
  const { LOG_LEVEL: _, ...env } = world.env;
  const { code, screen } = await onTerminal(['--verbose', ...example], { ...env, LOG_LEVEL: undefined });
  assert.equal(code, 0, screen);
  assert.ok(screen.split('\n').some((l) => /^\{"level":30,.*"msg":"stages hosted"/.test(l)), screen);
  assert.doesNotMatch(screen, /log file:/, 'with the log on the terminal there is no file to name');
  assert.match(screen, /^ {2}1 organization got a new slug:\n {4}acme -> acme-\w+$/m);
  assert.match(screen, /^ {2}3 users renamed \(the username was taken\):$/m);
});
