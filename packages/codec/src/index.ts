export * from './codec.ts';
export * from './records.ts';
export * from './schemas.ts';
export * from './topics.ts';
