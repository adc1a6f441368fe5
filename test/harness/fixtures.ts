import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Sentry's fixtures live beside the checkout, in `shared/fixtures/sentry`: found by walking up from the repository,
 * so a clone at any depth (a git worktree one level further down, say) finds them.
 */
function findFixtures(): string {
  let dir = fileURLToPath(new URL('../../', import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'shared', 'fixtures', 'sentry');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('no shared/fixtures/sentry folder above the repository');
    dir = parent;
  }
}

export const sentryFixturesDir = findFixtures();
export const sentryFixture = (name: string): string => path.join(sentryFixturesDir, name);
