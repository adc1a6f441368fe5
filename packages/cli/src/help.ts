import type { Command } from 'commander';

/** The README section every command's help points to. */
export const readme = 'README.md';

/** Adds real examples and the README section that explains the command to its --help. */
export function withHelp(cmd: Command, examples: string[], section: string): Command {
  return cmd.addHelpText('after', [
    '',
    'Examples:',
    ...examples.map((e) => `  $ ${e.replace(/(^|\s)relocate /, '$1npx relocate ')}`),
    '',
    `More: ${readme}, section "${section}" (#${section.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')})`,
  ].join('\n'));
}
