import { buildProgram } from './program.ts';

const program = buildProgram();
program.showHelpAfterError();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`relocate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
