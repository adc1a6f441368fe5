import type { StageBuilder } from '@relocate/stage-host';
import { readerStage } from './stage.ts';

export const readerService: StageBuilder = (c, graph) =>
  readerStage({ pool: c.pool, topics: c.topics, graph, batchRecords: c.config.batchRecords, batchBytes: c.config.batchBytes });
