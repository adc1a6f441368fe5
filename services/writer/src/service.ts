import { BatchWriter } from '@relocate/model-writer';
import type { StageBuilder } from '@relocate/stage-host';
import { writerStage } from './stage.ts';

export const writerService: StageBuilder = (c, graph) =>
  writerStage({ pool: c.pool, topics: c.topics, graph, writer: new BatchWriter(graph, { urlPrefix: c.config.sentryUrlPrefix }) });
