import { randomUUID } from 'node:crypto';
import { collisions } from './lookup.ts';
import type { ModelRule } from './types.ts';

/** Monitors: the guid is unique across the installation, so an empty or colliding one is regenerated. */
export const monitor: ModelRule = {
  async resolveCollisions(rows, ctx) {
    const { guid: collides } = await collisions(ctx, 'sentry_monitor', { guid: rows.map((r) => r.values.guid) });
    for (const row of rows) {
      const guid = row.values.guid;
      if (guid == null || guid === '' || collides(guid)) row.values.guid = randomUUID();
    }
  },
};
