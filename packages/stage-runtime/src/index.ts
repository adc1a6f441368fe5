export * from './kafka.ts';
export * from './metrics.ts';
export * from './offsets.ts';
export * from './retry.ts';
export * from './stage.ts';
export * from './topology.ts';
export * from './dead-letter.ts';
