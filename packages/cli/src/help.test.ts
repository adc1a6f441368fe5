import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { buildProgram } from './program.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const headings = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]));

function helpOf(cmd: Command): string {
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

function* everyCommand(cmd: Command): Generator<Command> {
  yield cmd;
  for (const sub of cmd.commands) yield* everyCommand(sub);
}

test('every command\'s --help shows real examples and a README section that exists', () => {
  const program = buildProgram();
  let seen = 0;
  for (const cmd of everyCommand(program)) {
    const help = helpOf(cmd);
    const name = cmd.name();
    assert.match(help, /\nExamples:\n( {2}\$ .*npx relocate .+\n)+/, `${name}: examples`);
    const section = /More: README\.md, section "([^"]+)"/.exec(help)?.[1];
    assert.ok(section && headings.has(section), `${name}: README section ${section} is a heading of README.md`);
    seen++;
  }
  assert.ok(seen >= 17, `${seen} commands`);
});
