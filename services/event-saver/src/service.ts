import type { StageBuilder } from '@relocate/stage-host';
import { eventSaverStage } from './stage.ts';

export const eventSaverService: StageBuilder = (c, graph) => eventSaverStage({ pool: c.pool, topics: c.topics, graph });
