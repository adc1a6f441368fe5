export * from './generate.ts';
export * from './shape.ts';
export * from './write.ts';
export * from './region.ts';
