import { type Command, Option } from 'commander';
import type { ImportOptions } from '@relocate/codec';

/** The flags that decide what an import does; `relocate plan` takes the same ones, so it plans that very import. */
export interface ImportFlags {
  events?: string; scope: string; mergeUsers: boolean; overwriteConfigs: boolean; hideOrganizations: boolean;
  filterOrgSlugs?: string[]; filterUsernames?: string[]; dropDangling: boolean; decryptWith?: string; json: boolean;
}

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

export function withImportFlags(command: Command): Command {
  return command
    .option('--events <events.ndjson>', 'Sentry event payloads, one per line, whose project is the export\'s project pk')
    .addOption(new Option('--scope <scope>', 'import scope').choices(['user', 'organization', 'config', 'global']).default('organization'))
    .option('--merge-users', 'reuse existing users with the same username instead of renaming the imported ones', false)
    .option('--overwrite-configs', 'overwrite existing options, relays and user roles with the imported values', false)
    .option('--no-hide-organizations', 'make imported organizations visible at once instead of when the relocation completes')
    .option('--filter-org-slugs <slugs>', 'import only these organizations, with their members\' users (comma-separated)', list)
    .option('--filter-usernames <names>', 'import only these users (comma-separated)', list)
    .option('--drop-dangling', 'drop a record that refers to a pk the export lacks, as Sentry does (a warning finding each), instead of failing', false)
    .option('--decrypt-with <private-key.pem>', "the export is Sentry's encrypted tarball; decrypt it with this RSA private key")
    .option('--json', 'print the result as one JSON object on the last line of stdout', false);
}

export function importOptionsOf(o: ImportFlags): ImportOptions {
  return {
    scope: o.scope.toUpperCase() as ImportOptions['scope'],
    mergeUsers: o.mergeUsers,
    overwriteConfigs: o.overwriteConfigs,
    hideOrganizations: o.hideOrganizations,
    filterOrgSlugs: o.filterOrgSlugs ?? null,
    filterUsernames: o.filterUsernames ?? null,
    dropDangling: o.dropDangling,
  };
}
