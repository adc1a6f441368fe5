import type { Command } from 'commander';
import { encryptFile } from '../encryption.ts';
import { withHelp } from '../help.ts';

export function encryptCommand(program: Command): void {
  const cmd = program
    .command('encrypt')
    .description("write an export as Sentry's encrypted tarball, as `sentry export --encrypt-with` does")
    .argument('<export.json>')
    .requiredOption('--encrypt-with <public-key.pem>', 'RSA public key (SubjectPublicKeyInfo PEM) to wrap the data key with')
    .requiredOption('-o, --output <export.tar>', 'where to write the tarball')
    .action(async (exportPath: string, o: { encryptWith: string; output: string }) => {
      await encryptFile(exportPath, o.encryptWith, o.output);
    });
  withHelp(cmd, ['relocate encrypt examples/acme-export.json --encrypt-with public.pem -o acme.tar'], 'Using it');
}
