import type { StageBuilder } from '@relocate/stage-host';
import { slugResolverStage } from './stage.ts';

export const slugResolverService: StageBuilder = (c) => slugResolverStage({ pool: c.pool, topics: c.topics });
