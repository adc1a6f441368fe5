import { BatchWriter } from '@relocate/model-writer';
import type { StageBuilder } from '@relocate/stage-host';
import { reservationStage } from './stage.ts';

export const reservationService: StageBuilder = (c, graph) =>
  reservationStage({ pool: c.pool, topics: c.topics, writer: new BatchWriter(graph, { urlPrefix: c.config.sentryUrlPrefix }) });
