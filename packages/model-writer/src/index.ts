export * from './batch-writer.ts';
export * from './rules.ts';
export * from './write-for-relocation.ts';
